src = "def f():\n\tx = (1,\n\t     2 +)\n"
try:
    compile(src, 'mod.py', 'exec')
except SyntaxError as e:
    err = e
raise err
