def walk():
    yield from walk()

list(walk())
