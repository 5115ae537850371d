# math module.
import math
print(math.pi, math.e, math.tau, math.inf, math.nan, -math.inf)
print(math.sqrt(2), math.sqrt(16), math.isqrt(17), math.isqrt(10 ** 30), math.cbrt(27.0), math.exp(1), math.exp2(10))
print(math.log(math.e), math.log(8, 2), math.log10(1000), math.log2(1024), math.log1p(1e-10), math.expm1(1e-10))
print(math.sin(0), math.cos(0), math.tan(math.pi / 4), math.asin(1), math.acos(0), math.atan(1), math.atan2(1, -1))
print(math.sinh(1), math.cosh(1), math.tanh(0.5), math.asinh(1), math.acosh(2), math.atanh(0.5))
print(math.degrees(math.pi), math.radians(180), math.hypot(3, 4), math.hypot(1, 2, 2), math.dist((0, 0), (3, 4)))
print(math.floor(2.7), math.floor(-2.7), math.ceil(2.1), math.ceil(-2.1), math.trunc(-2.7), math.floor(5), type(math.floor(2.5)).__name__)
print(math.fabs(-3), math.copysign(3, -0.0), math.fmod(7, 3), math.modf(3.75), math.frexp(8.0), math.ldexp(0.5, 4))
print(math.factorial(20), math.factorial(0), math.comb(10, 3), math.perm(5, 2), math.perm(5), math.gcd(48, 36), math.gcd(0, 0), math.gcd(12, 18, 27), math.lcm(4, 6, 10))
print(math.isfinite(1.0), math.isinf(-math.inf), math.isnan(math.nan), math.isclose(0.1 + 0.2, 0.3), math.isclose(1, 1.1, rel_tol=0.2))
print(math.fsum([0.1] * 10), sum([0.1] * 10), math.prod([1, 2, 3, 4]), math.prod([]), math.prod([2.0, 0.5]))
print(math.erf(0.5), math.erfc(0.5), math.gamma(5), math.lgamma(10), math.gamma(0.5))
print(math.nextafter(1.0, 2.0), math.ulp(1.0), math.remainder(10, 3), math.sumprod([1, 2, 3], [4, 5, 6]))
print(math.pow(2, 10), math.pow(2, 0.5), math.sqrt(0.0), math.copysign(1, -math.nan) if False else 'skip')
for bad in [lambda: math.sqrt(-1), lambda: math.log(0), lambda: math.factorial(-1), lambda: math.acos(2)]:
    try:
        bad()
    except ValueError as e:
        print('ValueError', e)
try:
    math.exp(1000)
except OverflowError as e:
    print('OverflowError', e)
try:
    math.factorial(2.5)
except TypeError as e:
    print('TypeError', e)
class HasFloor:
    def __floor__(self):
        return 'custom floor'
    def __ceil__(self):
        return 'custom ceil'
print(math.floor(HasFloor()), math.ceil(HasFloor()))
print([round(math.sin(i * math.pi / 6), 6) for i in range(7)])
