# for/while with else, break, continue, nested loops, conditionals.
for i in range(5):
    if i == 3:
        continue
    print('for', i)
else:
    print('for-else ran')
for i in range(5):
    if i == 2:
        print('break at', i)
        break
else:
    print('not printed')
n = 0
while n < 4:
    n += 1
    if n % 2:
        continue
    print('while', n)
else:
    print('while-else ran', n)
while True:
    n -= 1
    if n < 0:
        break
print('after while', n)
for i in range(3):
    for j in range(3):
        if j > i:
            break
        print(i, j, end=' ')
    else:
        print('inner-else', end=' ')
    print()
for x in []:
    print('never')
else:
    print('empty for-else')
count = 0
while count < 3:
    count += 1
else:
    print('count', count)
def classify(v):
    if v < 0:
        return 'neg'
    elif v == 0:
        return 'zero'
    elif v < 10:
        return 'small'
    else:
        return 'big'
print([classify(v) for v in (-5, 0, 5, 50)])
print('yes' if [] else 'no', 'yes' if [0] else 'no', 1 if None else 2)
result = []
for i in range(20):
    if i % 15 == 0:
        result.append('FizzBuzz')
    elif i % 5 == 0:
        result.append('Buzz')
    elif i % 3 == 0:
        result.append('Fizz')
    else:
        result.append(str(i))
print(' '.join(result))
def find(items, target):
    for idx, item in enumerate(items):
        if item == target:
            break
    else:
        return -1
    return idx
print(find('abcdef', 'd'), find('abc', 'z'))
def loop_finally():
    out = []
    for i in range(4):
        try:
            if i == 1:
                continue
            if i == 3:
                break
            out.append(i)
        finally:
            out.append('f%d' % i)
    return out
print(loop_finally())
i = 10
while i:
    i //= 2
    print(i, end=' ')
print()
x = 0
while (x := x + 1) < 5:
    print('walrus', x)
if (m := len('abc')) > 2:
    print('m is', m)
pass
for ch in 'ab':
    pass
print(ch)
