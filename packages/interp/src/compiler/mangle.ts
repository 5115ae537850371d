/**
 * Private name mangling, CPython's `_Py_Mangle` (`Python/symtable.c`): inside
 * a class body, and every function nested in it, `__spam` is renamed
 * `_Class__spam`, so a subclass's `__spam` does not collide with it. It
 * depends only on the spelling, not on how the name is used.
 */

/**
 * The name `name` stands for inside class `className` (`null`: not in a
 * class). Not mangled: names that do not start with two underscores, that
 * end with two (`__init__`), that hold a dot (a dotted module in an import),
 * and any name in a class whose name is only underscores. The class's
 * leading underscores are dropped: in `class _C`, `__x` is `_C__x`.
 */
export function mangle(className: string | null, name: string): string {
  if (className === null || name.charCodeAt(0) !== 0x5f || name.charCodeAt(1) !== 0x5f) return name;
  const n = name.length;
  if ((name.charCodeAt(n - 1) === 0x5f && name.charCodeAt(n - 2) === 0x5f) || name.includes('.')) return name;
  let start = 0;
  while (start < className.length && className.charCodeAt(start) === 0x5f) start++;
  if (start === className.length) return name;
  return `_${className.slice(start)}${name}`;
}
