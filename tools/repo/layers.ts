/**
 * The layer order of ft (DESIGN.md §1), declared once. Everything that needs
 * to know which package sits above which (the repository check, the packed
 * install check, the benchmark and stress-report runners that go through the
 * packages top-down) imports it from here, so adding a layer is one edit.
 *
 * Index 0 is the top of DESIGN.md's table (`atomics`, depends on nothing); a
 * package may import only packages with a *smaller* index.
 */

/** Package directory names (`packages/<name>`, npm name `@ft/<name>`), lowest layer first. */
export const LAYERS = ['atomics', 'qsbr', 'mimalloc', 'obmalloc', 'refcount', 'gc', 'objects', 'interp'] as const;

/** A layer's directory name. */
export type LayerName = (typeof LAYERS)[number];

/** npm scope shared by all ft packages. */
export const FT_SCOPE = '@ft/';

/**
 * The private tooling package (stress harness, bench runner). Not a layer: test
 * and benchmark code of every layer may use it, shipped code (`src/`) never.
 */
export const HARNESS_PACKAGE = '@ft/harness';

/** Whether `name` is one of the layer directory names. */
export function isLayerName(name: string): name is LayerName {
  return (LAYERS as readonly string[]).includes(name);
}

/** `atomics` → `@ft/atomics`. */
export function packageNameOf(dir: string): string {
  return `${FT_SCOPE}${dir}`;
}

/**
 * `@ft/atomics` → `atomics`; also strips a subpath (`@ft/atomics/x` → `atomics`).
 * Returns undefined for anything outside the `@ft/` scope.
 */
export function dirNameOf(packageName: string): string | undefined {
  if (!packageName.startsWith(FT_SCOPE)) return undefined;
  const rest = packageName.slice(FT_SCOPE.length);
  const slash = rest.indexOf('/');
  return slash === -1 ? rest : rest.slice(0, slash);
}

/**
 * Layer index (0 = lowest, `atomics`) of a package given by npm name
 * (`@ft/qsbr`) or directory name (`qsbr`); -1 when it is not a layer (including
 * `@ft/harness`).
 */
export function layerIndex(nameOrDir: string): number {
  const dir = nameOrDir.startsWith(FT_SCOPE) ? dirNameOf(nameOrDir)! : nameOrDir;
  return (LAYERS as readonly string[]).indexOf(dir);
}

/**
 * Sorts directory names into layer order; names that are not layers go last,
 * alphabetically, so tools still visit them (and the check reports them).
 */
export function sortByLayer<T extends string>(dirs: readonly T[]): T[] {
  const rank = (dir: string): number => {
    const index = layerIndex(dir);
    return index === -1 ? LAYERS.length : index;
  };
  return [...dirs].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
