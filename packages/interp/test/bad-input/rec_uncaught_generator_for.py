def walk():
    for x in walk():
        yield x

for x in walk():
    print(x)
