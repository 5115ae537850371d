def numbers():
    yield 1
    yield next(iter(()))

for n in numbers():
    print(n)
