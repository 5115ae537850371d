/**
 * Where things are in the monorepo, for the tools under tools/: the repository
 * root and the package directories, visited in layer order (lowest first) so
 * output reads top-down like DESIGN.md §1.
 */

import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sortByLayer } from './layers.js';

/** Absolute path of the repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of packages/. */
export const PACKAGES_DIR = join(REPO_ROOT, 'packages');

/** Names of the directories under packages/, in layer order (unknown names last). */
export function listPackageDirs(): string[] {
  let entries: string[];
  try {
    entries = readdirSync(PACKAGES_DIR);
  } catch {
    return [];
  }
  const dirs = entries.filter((name) => !name.startsWith('.') && statSync(join(PACKAGES_DIR, name)).isDirectory());
  return sortByLayer(dirs);
}

/** Files directly inside `dir` whose name ends with `suffix`, sorted; [] when `dir` does not exist. */
export function listFiles(dir: string, suffix: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith(suffix) && statSync(join(dir, name)).isFile())
      .sort()
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}
