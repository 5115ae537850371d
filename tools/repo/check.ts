/**
 * `npm run check`: the repository rules that no compiler enforces.
 *
 * - Package shape (DESIGN.md §6): every packages/<dir> is `@ft/<dir>`, ESM,
 *   side-effect free, one "." export with source/types/import conditions, a
 *   `files` list, and the files every package must have (README, layout,
 *   layout test, a stress test, a benchmark, the committed API report, which
 *   holds no `// Warning:` line).
 * - Layers (DESIGN.md §1): a package imports only packages of lower layers
 *   (LAYERS in layers.ts); `@ft/harness` only from test/ and bench/; nothing
 *   reaches into another package's files by relative path (that would bypass
 *   both the layer rule and the public surface).
 * - No import cycles (DESIGN.md §6): inside each package's src/, the files
 *   form a stack: no file reaches itself through relative imports, value or
 *   type-only. Each cycle is printed as a path of files.
 * - Agreement: the `@ft/*` packages that src/ imports, package.json
 *   `dependencies` and tsconfig.json `references` are the same set, so that
 *   builds order correctly and every package installs alone from its tarball.
 *
 * Imports are found with the TypeScript parser rather than regular
 * expressions: doc comments hold `import` lines in their examples, and those
 * must not count.
 *
 * Prints one line per problem (`path:line: message`) and exits 1, or prints a
 * one-line summary.
 */

import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { HARNESS_PACKAGE, LAYERS, dirNameOf, isLayerName, layerIndex, packageNameOf } from './layers.js';
import { PACKAGES_DIR, REPO_ROOT, listFiles, listPackageDirs } from './workspace.js';

interface Problem {
  readonly file: string;
  readonly line?: number;
  readonly message: string;
}

/** One module specifier found in a source file. */
interface ImportSite {
  readonly specifier: string;
  readonly file: string;
  readonly line: number;
}

const problems: Problem[] = [];

function report(file: string, message: string, line?: number): void {
  problems.push({ file: relative(REPO_ROOT, file) || '.', line, message });
}

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'];
const BUILTINS = new Set(builtinModules);

function walkSources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walkSources(path));
    else if (SOURCE_EXTENSIONS.some((ext) => name.endsWith(ext))) out.push(path);
  }
  return out;
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

/** Every static import/export-from, `import x = require()`, `require()`, dynamic `import()` and `import('x')` type. */
function collectImports(source: ts.SourceFile): ImportSite[] {
  const sites: ImportSite[] = [];
  const add = (node: ts.Node | undefined): void => {
    if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      sites.push({ specifier: node.text, file: source.fileName, line });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression);
    } else if (ts.isCallExpression(node)) {
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isDynamicImport || isRequire) add(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sites;
}

function readJson(file: string): Record<string, any> | undefined {
  if (!existsSync(file)) return undefined;
  // tsconfig.json and api-extractor.json may hold comments; TypeScript's reader allows them.
  const result = ts.readConfigFile(file, ts.sys.readFile);
  if (result.error) {
    report(file, `cannot parse: ${ts.flattenDiagnosticMessageText(result.error.messageText, ' ')}`);
    return undefined;
  }
  return result.config as Record<string, any>;
}

/** Layer number as DESIGN.md §1 counts it (1 = atomics), for messages. */
function layerLabel(dir: string): string {
  return `@ft/${dir} (layer ${layerIndex(dir) + 1})`;
}

function checkShape(dir: string, pkgDir: string, pkg: Record<string, any> | undefined): void {
  const pkgFile = join(pkgDir, 'package.json');
  if (!isLayerName(dir)) {
    report(pkgDir, `'${dir}' is not a layer; add it to LAYERS in tools/repo/layers.ts (${LAYERS.join(', ')}) or rename the directory`);
  }
  if (!pkg) {
    report(pkgFile, 'missing package.json');
  } else {
    if (pkg.name !== packageNameOf(dir)) report(pkgFile, `name is ${JSON.stringify(pkg.name)}, expected "${packageNameOf(dir)}"`);
    if (pkg.type !== 'module') report(pkgFile, '"type" must be "module" (ESM only)');
    if (pkg.sideEffects !== false) report(pkgFile, '"sideEffects" must be false');
    if (pkg.private === true) report(pkgFile, 'a layer package must not be private (each is published on its own)');
    const dot = pkg.exports?.['.'];
    if (typeof dot !== 'object' || dot === null) {
      report(pkgFile, 'exports["."] must be an object of conditions (source, types, import)');
    } else {
      for (const condition of ['source', 'types', 'import']) {
        if (typeof dot[condition] !== 'string') report(pkgFile, `exports["."] lacks the "${condition}" condition`);
      }
      // Node picks the first matching key in object order: "source" must come
      // before "import" or --conditions=source never sees it.
      const keys = Object.keys(dot);
      if (keys.includes('source') && keys.includes('import') && keys.indexOf('source') > keys.indexOf('import')) {
        report(pkgFile, 'exports["."]: the "source" condition must come before "import"');
      }
      if (typeof dot.source === 'string' && !existsSync(join(pkgDir, dot.source))) {
        report(pkgFile, `exports["."].source points at ${dot.source}, which does not exist`);
      }
    }
    const exportKeys = pkg.exports && typeof pkg.exports === 'object' ? Object.keys(pkg.exports) : [];
    if (exportKeys.some((k) => k !== '.')) report(pkgFile, `only the "." export is allowed, found ${exportKeys.filter((k) => k !== '.').join(', ')}`);
    if (!Array.isArray(pkg.files)) report(pkgFile, '"files" must be an array');
    else if (!pkg.files.includes('dist')) report(pkgFile, '"files" must include "dist"');
  }

  const required = ['tsconfig.json', 'api-extractor.json', 'README.md', 'src/index.ts', 'src/layout.ts', 'test/layout.test.ts', `etc/${dir}.api.md`];
  for (const file of required) {
    if (!existsSync(join(pkgDir, file))) report(join(pkgDir, file), 'missing (every package has it, DESIGN.md §6)');
  }
  if (listFiles(join(pkgDir, 'test', 'stress'), '.stress.test.ts').length === 0) {
    report(join(pkgDir, 'test', 'stress'), 'no *.stress.test.ts (every concurrent mechanism needs a real-worker stress test)');
  }
  if (listFiles(join(pkgDir, 'bench'), '.bench.ts').length === 0) {
    report(join(pkgDir, 'bench'), 'no *.bench.ts (hot paths keep a benchmark)');
  }

  // API Extractor writes a message it is told to keep in the report as a
  // `// Warning:` line; the base config makes every message an error instead,
  // so a report holding one was written under another config or by hand.
  const apiReport = join(pkgDir, 'etc', `${dir}.api.md`);
  if (existsSync(apiReport)) {
    readFileSync(apiReport, 'utf8')
      .split('\n')
      .forEach((text, i) => {
        if (/^\s*\/\/\s*Warning:/.test(text)) report(apiReport, `the API report holds a warning (every API Extractor message is an error): ${text.trim()}`, i + 1);
      });
  }

  const tsconfig = readJson(join(pkgDir, 'tsconfig.json'));
  if (tsconfig && tsconfig.extends !== '../../tsconfig.base.json') {
    report(join(pkgDir, 'tsconfig.json'), '"extends" must be "../../tsconfig.base.json"');
  }
  const extractor = readJson(join(pkgDir, 'api-extractor.json'));
  if (extractor && extractor.extends !== '../../api-extractor.base.json') {
    report(join(pkgDir, 'api-extractor.json'), '"extends" must be "../../api-extractor.base.json"');
  }

  const index = join(pkgDir, 'src', 'index.ts');
  if (existsSync(index)) {
    const source = parse(index);
    for (const statement of source.statements) {
      if (!(ts.isExportDeclaration(statement) && statement.moduleSpecifier)) {
        const line = source.getLineAndCharacterOfPosition(statement.getStart(source)).line + 1;
        report(index, 'src/index.ts re-exports only (`export … from`); move code into src/<concept>.ts', line);
      }
    }
  }
}

function isDefaultExport(node: ts.Node): boolean {
  if (ts.isExportAssignment(node) && !node.isExportEquals) return true;
  const modifiers = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return !!modifiers?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
}

function checkImports(dir: string, pkgDir: string, pkg: Record<string, any> | undefined): void {
  const self = layerIndex(dir);
  const srcImports = new Map<string, ImportSite>(); // @ft dir → first import site in src/
  const deps = new Set<string>(Object.keys(pkg?.dependencies ?? {}));
  const devDeps = new Set<string>(Object.keys(pkg?.devDependencies ?? {}));
  const peerDeps = new Set<string>(Object.keys(pkg?.peerDependencies ?? {}));

  for (const area of ['src', 'test', 'bench'] as const) {
    for (const file of walkSources(join(pkgDir, area))) {
      const source = parse(file);
      if (area === 'src') {
        for (const statement of source.statements) {
          if (isDefaultExport(statement)) {
            report(file, 'default export (DESIGN.md §6: no default exports)', source.getLineAndCharacterOfPosition(statement.getStart(source)).line + 1);
          }
        }
      }
      for (const site of collectImports(source)) {
        const spec = site.specifier;
        if (spec.startsWith('.') || spec.startsWith('/')) {
          const target = resolve(dirname(file), spec);
          if (target !== pkgDir && !target.startsWith(pkgDir + sep)) {
            report(file, `'${spec}' reaches outside packages/${dir}; import another package by its name, through its public surface`, site.line);
          }
          continue;
        }
        if (spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0])) continue;
        if (spec === HARNESS_PACKAGE || spec.startsWith(`${HARNESS_PACKAGE}/`)) {
          if (area === 'src') report(file, `${HARNESS_PACKAGE} is test and benchmark tooling; src/ must not import it`, site.line);
          else if (!devDeps.has(HARNESS_PACKAGE)) report(file, `imports ${HARNESS_PACKAGE}, which package.json devDependencies lacks`, site.line);
          continue;
        }
        const target = dirNameOf(spec);
        if (target === undefined) {
          // A third-party package: shipped code needs it as a real dependency,
          // or the packed tarball breaks on install.
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
          if (area === 'src' && !deps.has(name) && !peerDeps.has(name)) {
            report(file, `imports '${name}', which package.json dependencies lacks`, site.line);
          } else if (area !== 'src' && !deps.has(name) && !devDeps.has(name) && !peerDeps.has(name) && !rootDevDependencies.has(name)) {
            report(file, `imports '${name}', which neither this package nor the root package.json lists`, site.line);
          }
          continue;
        }
        const targetIndex = layerIndex(target);
        if (targetIndex === -1) {
          report(file, `imports @ft/${target}, which is not a layer (LAYERS in tools/repo/layers.ts)`, site.line);
          continue;
        }
        if (spec !== packageNameOf(target)) {
          report(file, `'${spec}' is a deep import; use '${packageNameOf(target)}' (its public surface is src/index.ts)`, site.line);
        }
        if (target === dir) {
          report(file, `imports its own package by name ('${spec}'); use a relative path`, site.line);
        } else if (self !== -1 && targetIndex > self) {
          report(file, `upward import: ${layerLabel(dir)} must not import ${layerLabel(target)}`, site.line);
        }
        if (target === dir) continue;
        if (area === 'src') {
          if (!srcImports.has(target)) srcImports.set(target, site);
        } else if (!deps.has(packageNameOf(target)) && !devDeps.has(packageNameOf(target))) {
          report(file, `imports ${packageNameOf(target)}, which package.json lists in neither dependencies nor devDependencies`, site.line);
        }
      }
    }
  }

  // Declared dependencies: never upward, never the harness at runtime, and
  // exactly what src/ imports.
  const pkgFile = join(pkgDir, 'package.json');
  const declared = new Set<string>();
  for (const [field, names] of [['dependencies', deps], ['devDependencies', devDeps], ['peerDependencies', peerDeps]] as const) {
    for (const name of names) {
      const target = dirNameOf(name);
      if (target === undefined) continue;
      if (name === HARNESS_PACKAGE) {
        if (field !== 'devDependencies') report(pkgFile, `${HARNESS_PACKAGE} is private tooling; list it in devDependencies only`);
        continue;
      }
      const targetIndex = layerIndex(target);
      if (targetIndex === -1) report(pkgFile, `${field} lists ${name}, which is not a layer`);
      else if (self !== -1 && targetIndex >= self) report(pkgFile, `${field} lists ${name}: upward dependency of ${layerLabel(dir)} on ${layerLabel(target)}`);
      if (field === 'dependencies') declared.add(target);
    }
  }
  for (const [target, site] of srcImports) {
    if (!declared.has(target)) report(site.file, `src imports ${packageNameOf(target)}, which package.json dependencies lacks`, site.line);
  }
  for (const target of declared) {
    if (!srcImports.has(target)) report(pkgFile, `dependencies lists ${packageNameOf(target)}, but src/ never imports it`);
  }

  // tsconfig references mirror the dependencies, so `tsc -b` builds in order.
  const tsconfigFile = join(pkgDir, 'tsconfig.json');
  const tsconfig = readJson(tsconfigFile);
  if (!tsconfig) return;
  const references = new Set<string>();
  for (const reference of (tsconfig.references ?? []) as { path?: unknown }[]) {
    if (typeof reference?.path !== 'string') {
      report(tsconfigFile, `reference without a path: ${JSON.stringify(reference)}`);
      continue;
    }
    let target = resolve(pkgDir, reference.path);
    if (target.endsWith('.json')) target = dirname(target);
    if (dirname(target) !== PACKAGES_DIR) {
      report(tsconfigFile, `reference '${reference.path}' is not a sibling package (expected '../<dir>')`);
      continue;
    }
    references.add(relative(PACKAGES_DIR, target));
  }
  for (const target of declared) {
    if (!references.has(target)) report(tsconfigFile, `references lacks '../${target}' (a dependency)`);
  }
  for (const target of references) {
    if (!declared.has(target)) report(tsconfigFile, `references '../${target}', which is not a dependency`);
  }
}

/**
 * Resolves a relative specifier of `file` to a source file of `files`
 * (TypeScript's ESM style imports `./x.js` for `./x.ts`).
 */
function resolveRelative(file: string, spec: string, files: ReadonlySet<string>): string | undefined {
  const target = resolve(dirname(file), spec);
  const candidates = [target, target.replace(/\.(m|c)?js$/, '.$1ts'), `${target}.ts`, join(target, 'index.ts')];
  return candidates.find((candidate) => files.has(candidate));
}

/**
 * Every import cycle among the files of `srcDir` (value and type imports
 * alike: a type-only cycle still means the files cannot be read bottom-up).
 * Tarjan's strongly connected components; each component with more than one
 * file, or a file importing itself, is reported with one concrete cycle
 * through it.
 */
function findImportCycles(srcDir: string): string[][] {
  const files = walkSources(srcDir);
  const fileSet = new Set(files);
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const targets: string[] = [];
    for (const site of collectImports(parse(file))) {
      if (!site.specifier.startsWith('.')) continue;
      const target = resolveRelative(file, site.specifier, fileSet);
      if (target !== undefined && !targets.includes(target)) targets.push(target);
    }
    edges.set(file, targets);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)!) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || edges.get(v)!.includes(v)) components.push(component);
    }
  };
  for (const file of files) if (!index.has(file)) connect(file);
  // One concrete cycle per component: walk from its first file (in path
  // order) along edges that stay inside it until a file repeats.
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0];
    const path = [start];
    const seen = new Map([[start, 0]]);
    for (;;) {
      const next = edges.get(path[path.length - 1])!.filter((w) => members.has(w)).sort()[0];
      if (seen.has(next)) return [...path.slice(seen.get(next)!), next];
      seen.set(next, path.length);
      path.push(next);
    }
  });
}

function checkCycles(dir: string, pkgDir: string): void {
  const srcDir = join(pkgDir, 'src');
  for (const cycle of findImportCycles(srcDir)) {
    const names = cycle.map((file) => relative(srcDir, file));
    report(cycle[0], `import cycle in @ft/${dir}: ${names.join(' → ')} (DESIGN.md §6: each package is a stack of files; move what both need into a file below them)`);
  }
}

/** Private tooling must never be published by accident. */
function checkTools(): void {
  const toolsDir = join(REPO_ROOT, 'tools');
  for (const name of existsSync(toolsDir) ? readdirSync(toolsDir).sort() : []) {
    const pkgFile = join(toolsDir, name, 'package.json');
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
    if (pkg.private !== true) report(pkgFile, 'a tools/ package must be "private": true');
  }
}

const rootPkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, any>;
const rootDevDependencies = new Set<string>(Object.keys({ ...rootPkg.dependencies, ...rootPkg.devDependencies }));

const dirs = listPackageDirs();
for (const dir of dirs) {
  const pkgDir = join(PACKAGES_DIR, dir);
  const pkgFile = join(pkgDir, 'package.json');
  let pkg: Record<string, any> | undefined;
  if (existsSync(pkgFile)) {
    try {
      pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, any>;
    } catch (error) {
      report(pkgFile, `cannot parse: ${(error as Error).message}`);
    }
  }
  checkShape(dir, pkgDir, pkg);
  checkImports(dir, pkgDir, pkg);
  checkCycles(dir, pkgDir);
}
checkTools();

if (problems.length > 0) {
  // Grouped by file, in line order, so related problems read together.
  const ordered = [...problems].sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
  for (const p of ordered) console.log(`${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`);
  console.log(`check: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${dirs.length} package${dirs.length === 1 ? '' : 's'}`);
  process.exitCode = 1;
} else {
  console.log(`check: ${dirs.length} package${dirs.length === 1 ? '' : 's'} OK (layers, dependencies, references, shape, no import cycles)`);
}
