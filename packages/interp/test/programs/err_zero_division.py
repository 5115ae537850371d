def average(values):
    return sum(values) / len(values)
def summary(groups):
    return {name: average(vals) for name, vals in groups.items()}
print(summary({'a': [1, 2]}))
print(summary({'a': [1, 2], 'b': []}))
