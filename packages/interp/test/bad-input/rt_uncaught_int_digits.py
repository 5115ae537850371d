n = 10 ** 5000
print(len(str(n)))
