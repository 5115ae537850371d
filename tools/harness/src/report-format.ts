/**
 * Plain-text tables and number formats shared by the bench and stress-report
 * command lines. Not part of the harness API (index.ts does not export it).
 */

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

/** 1234567 → "1.23 M", 950 → "950". */
export function formatSi(value: number, digits = 3): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toPrecision(digits)} G`;
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(digits)} M`;
  if (abs >= 1e3) return `${(value / 1e3).toPrecision(digits)} k`;
  return Number.isInteger(value) ? String(value) : value.toPrecision(digits);
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
