def ratio(a, b):
    return a / b

def scaled(items):
    return items[0] * 2 + ratio(items[1], items[2]) - 1

data = {'items': [1, 2, 0]}
print(scaled(data['items']))
