# Circular imports see partially initialized modules; a module failing at import is removed from sys.modules.
import sys
sys.path.insert(0, sys.path[0] + '/pkgs')
import cyclic_a
print(cyclic_a.from_b(), cyclic_a.cyclic_b.cyclic_a is cyclic_a)
for attempt in range(2):
    try:
        import raises_on_import
    except RuntimeError as e:
        print('attempt', attempt, 'RuntimeError', e, 'raises_on_import' in sys.modules)
try:
    import faulty
    faulty.parse('not a number')
except ValueError as e:
    tb = e.__traceback__
    names = []
    while tb:
        names.append((tb.tb_frame.f_code.co_name, tb.tb_frame.f_globals['__name__'], tb.tb_lineno))
        tb = tb.tb_next
    print('ValueError', e, names)
print(__import__('helper_mod').CONSTANT, __import__('geometry.units').__name__, sys.modules['geometry.units'].FACTOR)
print(__import__('geometry.units', fromlist=['FACTOR']).FACTOR)
