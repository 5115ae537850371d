# The format-spec mini-language for int, float and str.
specs_int = ['', 'd', '5', '<5', '>5', '^5', '=+7', '*^9', '+', '-', ' ', '#x', '#X', '#b', '#o', 'c', ',', '_', '_x', '010,', 'n']
for spec in specs_int:
    print(repr(spec), repr(format(1234, spec) if spec != 'c' else format(65, spec)), repr(format(-42, spec) if spec != 'c' else ''))
specs_float = ['', 'f', '.2f', '10.3f', '<10.1f', 'e', '.3e', 'E', 'g', '.3g', 'G', '%', '.1%', ',.2f', '+.1f', '08.2f', '.0f', '#.0f', 'n', '.10g', 'r' if False else '.2']
for spec in specs_float:
    print(repr(spec), repr(format(12345.6789, spec)), repr(format(-0.000123, spec)), repr(format(float('inf'), spec)))
for spec in ['', 's', '10', '<10', '>10', '^10', '.2', '*>6.3', '=^7']:
    print(repr(spec), repr(format('hello', spec)))
print(format(1e300, ''), format(1e-300, 'g'), format(123456789.0, 'g'), format(1.0, 'g'), format(1e16, 'g'))
print(format(0.1, '.17g'), format(2 ** 0.5, '.15g'), format(float('nan'), '+'), format(-0.0, ''), format(-0.0, '.1f'))
print(format(True, ''), format(True, 'd'), format(3, 'f'), format(3, 'e'), format(3, '%'))
print(format(10 ** 25, ','), format(-10 ** 25, 'x'), format(2 ** 70, 'e'))
for bad in ['z5', '.2d', ',s']:
    try:
        print(format(5 if bad != ',s' else 's', bad))
    except ValueError as e:
        print('ValueError', e)
print('{:>{w}.{p}f}|'.format(3.14159, w=10, p=2))
print('{0:{1}}|'.format('x', 5), '{:{}{}}'.format(7, '>', 4))
