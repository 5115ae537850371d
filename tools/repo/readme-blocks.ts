/**
 * The README code-block convention, declared once: which fenced blocks of a
 * README are programs, which are modules those programs use, and which are
 * deliberately not run. `readme-check.ts` runs what this finds; the root
 * README's contributor notes describe the same rules for writers.
 *
 * - A fenced block tagged `ts`, `typescript`, `js`, `javascript`, `mts` or
 *   `mjs` is a complete ES module, run as written: it imports what it uses
 *   (the packages by name, `@ft/atomics`, …; Node built-ins as `node:…`).
 *   Other blocks (`sh`, untagged output, layouts) are text and never run.
 * - A block whose first line is only a file name in a line comment
 *   (`// worker.ts`) is that file. Named files of one README sit side by
 *   side in one directory, so a program reaches them the way compiled
 *   TypeScript does: `new Worker(new URL('./worker.js', import.meta.url))`,
 *   `import { x } from './shared.js'`. A named block is not run by itself,
 *   except `main.ts` / `main.js`; every other program block runs on its own.
 *   File names are unique within a README, and a named block that no other
 *   block of its README mentions is an error (it would never run).
 * - A block that is not meant to run (a signature sketch, a fragment of a
 *   larger program) carries `<!-- not run: <reason> -->` on the last
 *   non-blank line before its opening fence. The checker prints every such
 *   block with its reason, so nothing is skipped silently.
 */

/** Info-string languages whose blocks are programs. */
const RUNNABLE_LANGUAGES = new Set(['ts', 'typescript', 'mts', 'js', 'javascript', 'mjs']);
const TYPESCRIPT_LANGUAGES = new Set(['ts', 'typescript', 'mts']);

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)(.*)$/;
const FILE_NAME_LINE = /^\/\/\s*([A-Za-z0-9_][A-Za-z0-9_.-]*\.(?:ts|mts|js|mjs))\s*$/;
const NOT_RUN_MARKER = /^<!--\s*not run\s*:?(.*?)-->\s*$/i;
const MAIN_FILE = /^main\.(?:ts|mts|js|mjs)$/;

/** How the checker treats one block. */
export type BlockRole =
  /** run on its own (an unnamed program block, or one named `main.*`) */
  | 'program'
  /** written beside the programs of its README, run only through them */
  | 'module'
  /** deliberately not run; `notRunReason` says why */
  | 'not-run';

/** One runnable-language fenced block of a README. */
export interface ReadmeBlock {
  /** Absolute path of the README. */
  readonly readme: string;
  /** 1-based line of the opening fence; the block's first code line is `line + 1`. */
  readonly line: number;
  /** The info string's language, lower-cased (`ts`, `js`, …). */
  readonly language: string;
  readonly typescript: boolean;
  /** The code, with the fence's indentation removed. */
  readonly code: string;
  /** From a first line `// <name>`; null for unnamed blocks. */
  readonly fileName: string | null;
  readonly role: BlockRole;
  /** The marker's reason for a `not-run` block, else null. */
  readonly notRunReason: string | null;
}

/** A convention violation found while reading a README (the checker fails on it). */
export interface ReadmeProblem {
  readonly readme: string;
  readonly line: number;
  readonly message: string;
}

/** Blocks and convention problems of one README. */
export interface ReadmeScan {
  readonly blocks: ReadmeBlock[];
  readonly problems: ReadmeProblem[];
}

/** Finds the runnable-language blocks of one README's text (CommonMark fences, up to 3 spaces indented). */
export function scanReadme(readme: string, text: string): ReadmeScan {
  const lines = text.split(/\r?\n/);
  const blocks: ReadmeBlock[] = [];
  const problems: ReadmeProblem[] = [];
  let index = 0;
  while (index < lines.length) {
    const open = FENCE_OPEN.exec(lines[index]);
    if (open === null || (open[2][0] === '`' && open[4].includes('`'))) {
      index++;
      continue;
    }
    const indent = open[1].length;
    const fence = open[2];
    const language = open[3].toLowerCase();
    const openLine = index + 1;
    const body: string[] = [];
    index++;
    while (index < lines.length && !isClosingFence(lines[index], fence)) {
      body.push(stripIndent(lines[index], indent));
      index++;
    }
    index++; // the closing fence (or past the end: an unclosed block runs to the end, as in CommonMark)
    if (!RUNNABLE_LANGUAGES.has(language)) continue;

    const marker = markerBefore(lines, openLine - 1);
    const named = body.length > 0 ? FILE_NAME_LINE.exec(body[0].trim()) : null;
    const fileName = named === null ? null : named[1];
    let role: BlockRole = fileName === null || MAIN_FILE.test(fileName) ? 'program' : 'module';
    let notRunReason: string | null = null;
    if (marker !== null) {
      role = 'not-run';
      notRunReason = marker;
      if (marker === '') {
        problems.push({ readme, line: openLine, message: 'a `<!-- not run: … -->` marker needs a reason' });
      }
    }
    blocks.push({
      readme,
      line: openLine,
      language,
      typescript: TYPESCRIPT_LANGUAGES.has(language),
      code: body.join('\n') + '\n',
      fileName,
      role,
      notRunReason,
    });
  }
  problems.push(...checkNames(readme, blocks));
  return { blocks, problems };
}

function isClosingFence(line: string, fence: string): boolean {
  const trimmed = line.trim();
  if (line.length - line.trimStart().length > 3) return false;
  if (trimmed.length < fence.length || trimmed[0] !== fence[0]) return false;
  for (let i = 0; i < trimmed.length; i++) if (trimmed[i] !== fence[0]) return false;
  return true;
}

function stripIndent(line: string, indent: number): string {
  let cut = 0;
  while (cut < indent && line[cut] === ' ') cut++;
  return line.slice(cut);
}

/** The reason of a `<!-- not run: … -->` on the last non-blank line before `fenceIndex`, or null. */
function markerBefore(lines: string[], fenceIndex: number): string | null {
  for (let i = fenceIndex - 1; i >= 0; i--) {
    const trimmed = lines[i].trim();
    if (trimmed === '') continue;
    const marker = NOT_RUN_MARKER.exec(trimmed);
    return marker === null ? null : marker[1].trim();
  }
  return null;
}

/** Unique file names, and every module block used by some other block of the README. */
function checkNames(readme: string, blocks: ReadmeBlock[]): ReadmeProblem[] {
  const problems: ReadmeProblem[] = [];
  const seen = new Map<string, number>();
  for (const block of blocks) {
    if (block.fileName === null || block.role === 'not-run') continue;
    const first = seen.get(block.fileName);
    if (first !== undefined) {
      problems.push({
        readme,
        line: block.line,
        message: `a second block named '${block.fileName}' (the first is at line ${first}); file names are unique within a README`,
      });
    } else {
      seen.set(block.fileName, block.line);
    }
  }
  for (const block of blocks) {
    if (block.role !== 'module' || block.fileName === null) continue;
    const stem = block.fileName.replace(/\.[^.]+$/, '');
    const mentioned = blocks.some(
      (other) => other !== block && other.role !== 'not-run' && new RegExp(`['"\`]\\./${escapeRegExp(stem)}\\.[mc]?[jt]s['"\`]`).test(other.code),
    );
    if (!mentioned) {
      problems.push({
        readme,
        line: block.line,
        message: `'${block.fileName}' is used by no other block ('./${stem}.js'), so it would never run; start or import it, or name it main.ts`,
      });
    }
  }
  return problems;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The file a block is written to: its own name, or `block-L<line>.<ext>` for an
 * unnamed program (`.ts` for TypeScript, `.js` for JavaScript; the directory is ESM).
 */
export function fileNameOf(block: ReadmeBlock): string {
  if (block.fileName !== null) return block.fileName;
  return `block-L${block.line}.${block.typescript ? 'ts' : 'js'}`;
}
