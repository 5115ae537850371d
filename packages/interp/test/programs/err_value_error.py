def parse(text):
    return int(text)
def load(lines):
    return [parse(line) for line in lines]
print(load(['1', '2']))
load(['3', 'x4'])
