# f-strings: conversions, =, nesting, format specs, quotes.
name = 'Ada'
n = 42
pi = 3.14159265
items = [1, 2, 3]
d = {'k': 'v', 'n': 5}
print(f'{name} {n} {pi}')
print(f'{name!r} {name!s} {name!a} {"é"!a}')
print(f'{n=} {pi=:.3f} {name = } {n + 1=} {items[1]=}')
print(f'{n:5d}|{n:<5}|{n:^5}|{n:>5}|{n:05}|{n:+}|{n:x}|{n:#o}|{n:b}|{n:,}')
print(f'{pi:.2f} {pi:10.4f}| {pi:e} {pi:.0f} {pi:%} {1e6:,.1f}')
width, prec = 12, 3
print(f'{pi:{width}.{prec}f}|{name:>{width}}|{name:{"*"}^{width}}')
print(f'{d["k"]} {d["n"] * 2} {items[-1]} {len(items)} {sum(items)}')
print(f"{'nested ' + f'{n}' + ' inner'}")
print(f'{f"{f'{n}'}"}')
print(f'{"quotes" if n > 3 else "no"} {[x * 2 for x in items]} {dict(a=1)}')
print(f'{{escaped}} {{{n}}} {n!r:>6}')
print(f'{name.upper()} {name[0]} {name[::-1]} {str(n).zfill(6)}')
print(f'multi {n} '
      f'line {name}')
print(f'''triple {n}
second line {pi:.1f}''')
print(rf'raw \n {n}', fr'\t{name}')
print(f'{n:{"x" if n else "d"}}', f'{3.5!r:>8}', f'{None}', f'{True:d}', f'{False!s}')
class P:
    def __format__(self, spec):
        return f'P<{spec}>'
    def __repr__(self):
        return 'P()'
    def __str__(self):
        return 'p-str'
p = P()
print(f'{p} {p:abc} {p!r} {p!s} {p=}')
print(f'{-0.0} {1e-10} {1/3:.5} {123456789:_d} {0.5:.0%}')
print(f'{"a" "b"}', f'{n:{width}}', f'{n!r:{width}}|')
lst = [f'{i}:{i ** 2}' for i in range(5)]
print(lst)
print(f'{(lambda x: x * 2)(21)}')
x = 10
print(f'{x:#{6}x}', f'{x!s:>{3}}', f'{"\n".join(["a", "b"])}')
print(format(n, ''), format(name, '>8'), format(pi, '.3'))
