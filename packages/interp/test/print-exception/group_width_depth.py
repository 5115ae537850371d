wide = ExceptionGroup('wide', [ValueError(i) for i in range(17)])
deep = ValueError('bottom')
for level in range(12):
    deep = ExceptionGroup(f'level {level}', [deep])
raise BaseExceptionGroup('top', [wide, deep])
