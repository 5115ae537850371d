print('x'.encode('utf-8'))
print('x'.encode('klingon'))
