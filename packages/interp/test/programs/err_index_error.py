def last_but(items, n):
    return items[len(items) - 1 + n]
def run():
    print(last_but([1, 2, 3], 0))
    print(last_but([1, 2, 3], 1))
run()
