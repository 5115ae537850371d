seen = set()
def remember(item):
    seen.add(item)
remember((1, 2))
remember([1, 2])
