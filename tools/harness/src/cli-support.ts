/**
 * What the bench and stress-report command lines share: the "source"
 * condition re-exec, flag parsing, plain-text tables and number formats. Not
 * part of the harness API (index.ts does not export it).
 */

import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

/**
 * Makes sure this process resolves `@ft/*` packages to their TypeScript
 * sources (the "source" export condition), as tests and harness workers do;
 * otherwise code imported by name would silently run a stale dist/ build, or
 * fail without one. When the condition is missing, runs `script` again in a
 * child Node with it added and exits with the child's status (never returns).
 */
export function ensureSourceCondition(script: string): void {
  const argv = process.execArgv;
  const has =
    argv.some((a) => a === '--conditions=source' || a === '-C=source') ||
    argv.some((a, i) => (a === '--conditions' || a === '-C') && argv[i + 1] === 'source') ||
    /(^|\s)(--conditions[= ]source|-C[= ]?source)(\s|$)/.test(process.env.NODE_OPTIONS ?? '');
  if (has) return;
  const child = spawnSync(process.execPath, [...argv, '--conditions=source', script, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

/** Column alignment: numbers read best right-aligned. */
export type Align = 'left' | 'right';

/** Renders rows as a table with a header rule; cells are already strings. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string {
  const widths = header.map((h, c) => Math.max(width(h), ...rows.map((r) => width(r[c] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (align[c] === 'right' ? pad(cell, widths[c], true) : pad(cell, widths[c], false)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

// Display width: code points, so '×' and '✓' count as one column.
function width(s: string): number {
  return [...s].length;
}

function pad(s: string, to: number, left: boolean): string {
  const fill = ' '.repeat(Math.max(0, to - width(s)));
  return left ? fill + s : s + fill;
}

/** 1234567 → "1.23 M", 300000 → "300 k", 950 → "950" (never exponent notation). */
export function formatSi(value: number, digits = 3): string {
  if (Number.isInteger(value) && Math.abs(value) < 1000) return String(value);
  if (!Number.isFinite(value)) return String(value);
  // Round first, so that 999 999 becomes "1.00 M" rather than "1000 k".
  const rounded = Number(value.toPrecision(digits));
  const abs = Math.abs(rounded);
  const [scale, suffix] = abs >= 1e9 ? [1e9, ' G'] : abs >= 1e6 ? [1e6, ' M'] : abs >= 1e3 ? [1e3, ' k'] : [1, ''];
  const scaled = rounded / scale;
  // toPrecision switches to exponent notation once the integer part has more digits than asked for.
  const text = Math.abs(scaled) >= 10 ** digits ? scaled.toFixed(0) : scaled.toPrecision(digits);
  return `${text}${suffix}`;
}

/** Nanoseconds with sensible precision: 0.553, 8.41, 35.2, 45 012. */
export function formatNs(ns: number): string {
  if (ns < 10) return ns.toFixed(3);
  if (ns < 100) return ns.toFixed(2);
  if (ns < 1000) return ns.toFixed(1);
  return Math.round(ns).toLocaleString('en-US').replace(/,/g, ' ');
}

/** A metric value: integers as is, others to 4 significant digits. */
export function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}

/** Reads `--name value` / `--name=value` flags and bare `--switch`es; throws on unknown ones. */
export function parseFlags(argv: readonly string[], valued: readonly string[], switches: readonly string[]): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') continue;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (valued.includes(name)) {
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
      out.set(name, value);
    } else if (switches.includes(name) && eq === -1) {
      out.set(name, true);
    } else {
      throw new UsageError(`unknown argument '${arg}'`);
    }
  }
  return out;
}

/** A command-line mistake: print the message and the usage, exit 2. */
export class UsageError extends Error {}

/** Where a result was measured, recorded in every JSON report. */
export function machineInfo(): { date: string; node: string; cpu: string; cpuCount: number; platform: string } {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpuModel(),
    cpuCount: cpus().length,
    platform: `${process.platform}-${process.arch}`,
  };
}

/**
 * The CPU model as precisely as the machine tells it: the model name, and on
 * Linux the family/model/stepping numbers too, because virtual machines often
 * report only a brand ("AMD EPYC") and the generation matters to the figures
 * (cache-line transfer costs differ between them).
 */
export function cpuModel(): string {
  const name = cpus()[0]?.model?.trim() || 'unknown CPU';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (key: string): string | undefined => new RegExp(`^${key}\\s*:\\s*(.+)$`, 'm').exec(info)?.[1]?.trim();
    const family = field('cpu family');
    const model = field('model');
    const stepping = field('stepping');
    if (family !== undefined && model !== undefined) return `${name} (family ${family}, model ${model}${stepping !== undefined ? `, stepping ${stepping}` : ''})`;
  } catch {
    // Not Linux: the model name is all there is.
  }
  return name;
}

/** One line naming the machine a figure was measured on: CPU model, logical CPUs, Node version. */
export function machineLine(): string {
  return `${cpuModel()} · ${cpus().length} logical CPUs · node ${process.version}`;
}
