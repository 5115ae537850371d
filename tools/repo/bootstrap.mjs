// Installs the workspace on a fresh machine that has only Node.js and npm.
// pnpm is pinned as a root devDependency; the first install fetches that same
// version through npx, after which node_modules/.bin/pnpm is used.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = pkg.packageManager.replace(/^pnpm@/, '');
const marker = join(root, 'node_modules', '.modules.yaml');
const lockfile = join(root, 'pnpm-lock.yaml');

const installed = existsSync(marker) && existsSync(join(root, 'node_modules', '.bin', 'pnpm'));
const stale = installed && existsSync(lockfile) && statSync(lockfile).mtimeMs > statSync(marker).mtimeMs;
if (!installed || stale) {
  const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
  console.log(`ft: installing the workspace with pnpm ${pnpmVersion}${frozen.length ? ' (frozen lockfile)' : ''}`);
  execFileSync('npx', ['--yes', `pnpm@${pnpmVersion}`, 'install', ...frozen], { cwd: root, stdio: 'inherit' });
}
