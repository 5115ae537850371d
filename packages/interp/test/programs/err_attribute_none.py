def find(items, name):
    for item in items:
        if item == name:
            return item
def shout(items):
    return find(items, 'z').upper()
shout(['a', 'b'])
