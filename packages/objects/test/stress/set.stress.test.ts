/**
 * The set, frozenset and deque contracts with real workers (set.scenario.ts
 * describes the runs, every check and the control), with operation budgets
 * scaled by FT_STRESS_SCALE: set mutation vs contains, racing add and pop,
 * a frozenset hashed from every worker at once with repr of a set being
 * cleared, a deque's producer and consumers then a bounded deque appended
 * at both ends (its lock-free len() check, a finding fixed in src/deque.ts,
 * is reported as a test of its own), and the control whose readers walk
 * the set's table without its critical section.
 */

import { assertRunPassed, runScenario, type RunResult } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { metric, report } from './run-report.js';
import { dequeScenario, frozensetHashScenario, GARBAGE_CHECK, LOCKFREE_MAXLEN_CHECK, setAddPopScenario, setContainsScenario, STABLE_CHECK } from './set.scenario.js';

/** The run's own deadline comes first, so that a hang fails with the workers' progress dump. */
const RUN_TIMEOUT = 40_000;
const TIMEOUT = 60_000;

/** The deque run, which two tests read: the contract's checks, and the finding's. */
let dequeResult: RunResult | undefined;

describe('set, frozenset and deque with real workers (CPython 3.13/3.14 free-threaded contract)', () => {
  it('set mutation vs contains: keys of S always found, never-added keys never, len in bounds, iteration completes or raises "Set changed size during iteration", exact accounting', async () => {
    const result = await runScenario(setContainsScenario, { timeoutMs: RUN_TIMEOUT });
    report(result, '2 writers and 2 readers');
    assertRunPassed(result);
    expect(metric(result, 'resizes')).toBeGreaterThan(0);
    expect(metric(result, 'size errors')).toBeGreaterThan(0);
  }, TIMEOUT);

  it('racing add and pop: each element popped exactly once, "KeyError: \'pop from an empty set\'" only when empty, exact reference counts', async () => {
    const result = await runScenario(setAddPopScenario, { timeoutMs: RUN_TIMEOUT });
    report(result, '3 racers');
    assertRunPassed(result);
  }, TIMEOUT);

  it('a frozenset hashed from every worker at once gives one value (the cached word); repr of a set being cleared is full or "set()"', async () => {
    const result = await runScenario(frozensetHashScenario, { timeoutMs: RUN_TIMEOUT });
    report(result, '4 hashers');
    assertRunPassed(result);
  }, TIMEOUT);

  it('deque: producer and consumers (FIFO per consumer, each value once, "IndexError: pop from an empty deque" only when empty); a bounded deque appended at both ends (never above maxlen under its lock, every dropped item released once)', async () => {
    const result = await runScenario(dequeScenario, { timeoutMs: RUN_TIMEOUT });
    dequeResult = result;
    report(result, 'producer and 3 consumers, then 4 appenders');
    const failed = result.checks.filter((c) => !c.ok && c.name !== LOCKFREE_MAXLEN_CHECK);
    expect(failed.map((c) => `${c.name}: ${c.detail ?? ''}`)).toEqual([]);
  }, TIMEOUT);

  it("the same run: lock-free len() of a bounded deque never above maxlen (a finding of this test, fixed in src/deque.ts: a full bounded deque drops from the other end before the push; before, runs where an appender was preempted between its size + 1 and the trim saw maxlen + 1)", () => {
    expect(dequeResult, 'the deque run did not complete').toBeDefined();
    const finding = dequeResult!.checks.find((c) => c.name === LOCKFREE_MAXLEN_CHECK);
    expect(finding, `no check '${LOCKFREE_MAXLEN_CHECK}'`).toBeDefined();
    expect(finding!.ok, finding!.detail).toBe(true);
  });

  it('control: readers that walk the set\'s table without its critical section are caught (freed tables, keys of S missing)', async () => {
    const result = await runScenario(setContainsScenario, { workers: 3, scale: 0.25, variant: { control: 'unlocked-walk' }, timeoutMs: RUN_TIMEOUT });
    report(result, 'unlocked-walk control, 1 writer and 2 readers');
    const failed = result.checks.filter((c) => !c.ok);
    console.log(`${result.name} control: ${failed.map((c) => `${c.name}: ${c.detail ?? ''}`).join(' | ')}`);
    const names = failed.map((c) => c.name);
    expect(names).toContain(STABLE_CHECK);
    expect(names).toContain(GARBAGE_CHECK);
    expect(metric(result, 'held tables freed')).toBeGreaterThan(0);
  }, TIMEOUT);
});
