data = b'caf\xc3\xa9 \xff!'
print(data[:5].decode('utf-8'))
print(data.decode('utf-8'))
