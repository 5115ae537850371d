import sys
# A limit above the number of entries: 3.13 slices from len - limit (negative), keeping the last two.
sys.tracebacklimit = 8
def a(): b()
def b(): c()
def c(): d()
def d(): e()
def e(): raise ValueError('deep')
a()
