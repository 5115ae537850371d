# random beyond the core functions: str/bytes/big seeds, choices, distributions, randbytes.
import random
random.seed('string seed')
print(random.random(), random.randint(0, 1000))
random.seed(b'bytes seed')
print(random.random())
random.seed(2 ** 100)
print(random.random(), random.randrange(2 ** 70))
random.seed(7)
print(random.choices('ab', k=5), random.choices(range(5), weights=[5, 1, 1, 1, 10], k=6))
print(round(random.gauss(0, 1), 12), round(random.normalvariate(10, 2), 12), round(random.expovariate(1.5), 12))
print(round(random.triangular(0, 10), 12), round(random.betavariate(2, 3), 12), random.binomialvariate(10, 0.5))
print(random.randbytes(6))
