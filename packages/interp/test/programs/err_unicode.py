def decode(data):
    return data.decode('utf-8')
decode(b'ok')
decode(b'caf\xe9')
