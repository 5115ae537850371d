/**
 * The specialized dict reads and writes under real concurrency
 * (LOAD_ATTR_INSTANCE_VALUE, STORE_ATTR_INSTANCE_VALUE,
 * LOAD_ATTR_METHOD_WITH_VALUES, LOAD_ATTR_MODULE, LOAD_GLOBAL_MODULE,
 * LOAD_GLOBAL_BUILTIN over objects' dict-specialize.ts): specialized_attrs.py
 * runs on ft with Python threads (the runner next to it: from the sources,
 * pooled workers included). Reader threads hammer warm read sites while
 * writer threads store new values, delete and re-add attributes, replace
 * whole `__dict__`s (by combined dicts and by split dicts of another
 * layout), turn split dicts combined, set and delete instance methods,
 * replace the class's method, rebind, delete and re-add a global and a
 * module attribute, and shadow `len` with a global.
 *
 * Invariants, exact: every value a reader sees is one a writer stored for
 * that name (a V tagged with it), never another object, and a reader never
 * sees one writer's values go back; the only exceptions are the
 * AttributeError / NameError of a name while deleted; read and call counts
 * are exact totals; after the writers' Event every warm site sees the final
 * state; after the joins and gc.collect() every stored value is dead (a
 * weakref each: no reference leaked); deterministic handshakes (warm, the
 * writer changes what a guard protects, read again) all see the new state.
 *
 * Controls (the handshakes with a guard turned off on every thread through
 * `specializeSeams`, set by specialized-attrs.slots.ts): without the keys
 * versions (`versionGuard`) a reader keeps the builtin `len` after a global
 * shadows it, keeps a method after an instance got its own, and reads
 * another entry's value after a global's or a module attribute's table was
 * compacted; without the shared-keys check (`sharedKeysGuard`) it reads
 * another attribute's value from a `__dict__` split over another class's
 * keys. Each must be caught (they are deterministic: every round fails).
 * No control for the re-checks after try-incref (the dict or values array
 * replaced between the read and the incref): a value read that way was
 * stored there a moment before, so it is legal to the invariants, and the
 * window of a freed array being reused is too narrow to hit reliably.
 *
 * The weakrefs have no callbacks: a callback taking a threading.Lock
 * deadlocks when a death runs it on a thread that holds the lock, and one
 * run while a thread is torn down threw "recycleTypeCache: release the type
 * cache first" (the hazard concurrent.futures avoided, c031aa5).
 *
 * FT_STRESS_SCALE scales the readers' passes and the handshake rounds.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCALE = Number(process.env.FT_STRESS_SCALE ?? '1') || 1;
const INTERP = fileURLToPath(new URL('../..', import.meta.url));
const RUNNER = fileURLToPath(new URL('./specialized-attrs.runner.ts', import.meta.url));
const PROGRAM = fileURLToPath(new URL('./specialized_attrs.py', import.meta.url));
/** A hang is a failure: the run is killed after this long. */
const TIMEOUT_MS = 100_000 * Math.max(1, SCALE);

interface Run {
  counts: Record<string, number>;
  examples: string[];
  stderr: string;
  code: number | null;
  timedOut: boolean;
}

/** Runs the program on ft with Python threads; `seamsOff` names the specializeSeams turned off on every thread. */
function runFt(mode: 'full' | 'handshake', seamsOff: string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', RUNNER, PROGRAM, mode, String(SCALE)], {
      cwd: INTERP,
      env: { ...process.env, FT_SPECIALIZE_SEAMS_OFF: seamsOff.join(',') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const counts: Record<string, number> = {};
      const examples: string[] = [];
      for (const line of stdout.split('\n')) {
        if (line.startsWith('example ')) examples.push(line.slice(8));
        else if (line !== '') {
          const [k, v] = line.split(' ');
          counts[k!] = Number(v);
        }
      }
      resolve({ counts, examples, stderr, code, timedOut });
    });
  });
}

const HANDSHAKES = ['hs_builtin', 'hs_global', 'hs_module', 'hs_method', 'hs_instance'];

/** The handshakes' counts: `ok` and `stale` rounds of each. */
function handshakes(r: Run): Record<string, { ok: number; stale: number }> {
  return Object.fromEntries(HANDSHAKES.map((h) => [h, { ok: r.counts[`${h}_ok`] ?? 0, stale: r.counts[`${h}_stale`] ?? 0 }]));
}

describe('specialized dict reads and writes under Python threads', () => {
  it('readers see only stored values, exact counts, the final state after the Event; nothing leaks', async () => {
    const r = await runFt('full');
    expect({ timedOut: r.timedOut, code: r.code, stderr: r.stderr, examples: r.examples }).toEqual({ timedOut: false, code: 0, stderr: '', examples: [] });
    const c = r.counts;
    // Nothing illegal was seen anywhere.
    for (const bad of ['inst_bad', 'inst_backwards', 'inst_final_bad', 'meth_bad', 'meth_final_bad', 'glob_bad', 'glob_backwards', 'len_bad', 'pi_bad', 'pi_backwards']) expect(c[bad], bad).toBeUndefined();
    // 1. Instance attributes: every read counted, each a legal value or the AttributeError of a deleted one.
    expect(c.inst_reads).toBe(c.inst_expected_reads);
    expect(c.inst_ok! + c.inst_missing!).toBe(c.inst_reads);
    expect(c.inst_final_ok).toBe(c.inst_expected_final);
    // 2. Methods: every call returned one of the legal answers; the final ones exactly.
    expect(c.meth_calls).toBe(c.meth_expected_calls);
    expect(c.meth_ok).toBe(c.meth_calls);
    expect(c.meth_final_ok).toBe(c.meth_expected_final);
    // 3. Globals, builtins, module attributes.
    expect(c.glob_reads).toBe(c.glob_expected_reads);
    expect(c.glob_ok! + c.glob_missing!).toBe(c.glob_reads);
    expect(c.glob_final_ok).toBe(c.glob_expected_final);
    // The writers really wrote while the readers read.
    for (const w of ['writer_split_rounds', 'writer_swap_rounds', 'meth_writer_rounds', 'glob_writer_rounds']) expect(c[w], w).toBeGreaterThanOrEqual(200);
    // Handshakes: every round saw the new state.
    for (const [h, { ok, stale }] of Object.entries(handshakes(r))) expect({ h, ok, stale }).toEqual({ h, ok: c.hs_rounds, stale: 0 });
    // 4. Every stored value died.
    expect(c.values_made).toBeGreaterThan(1000);
    expect(c.values_dead).toBe(c.values_made);
  });

  it('control: without the keys-version guards, readers keep a shadowed builtin, a shadowed method and compacted entries', async () => {
    const r = await runFt('handshake', ['versionGuard']);
    expect({ timedOut: r.timedOut, code: r.code, stderr: r.stderr }).toEqual({ timedOut: false, code: 0, stderr: '' });
    const hs = handshakes(r);
    for (const h of ['hs_builtin', 'hs_global', 'hs_module', 'hs_method']) expect(hs[h]!.stale, h).toBeGreaterThan(0);
    expect(hs.hs_instance).toEqual({ ok: r.counts.hs_rounds, stale: 0 });
  });

  it("control: without the shared-keys check, a reader reads another attribute's value from a dict of another layout", async () => {
    const r = await runFt('handshake', ['sharedKeysGuard']);
    expect({ timedOut: r.timedOut, code: r.code, stderr: r.stderr }).toEqual({ timedOut: false, code: 0, stderr: '' });
    const hs = handshakes(r);
    expect(hs.hs_instance!.stale).toBeGreaterThan(0);
    for (const h of ['hs_builtin', 'hs_global', 'hs_module', 'hs_method']) expect(hs[h], h).toEqual({ ok: r.counts.hs_rounds, stale: 0 });
  });
});
