# math: a sample of every function, exact results, and the errors.
import math


def error(label, fn):
    try:
        fn()
    except Exception as e:
        print(label, type(e).__name__, e)
    else:
        print(label, 'no error')


print('constants', math.pi, math.e, math.tau, math.inf, math.nan)
print('roots', math.sqrt(2), math.isqrt(10**40 + 1), math.cbrt(27), math.cbrt(-8))
print('rounding', math.floor(-2.5), math.ceil(-2.5), math.trunc(-2.5), math.floor(10**30), type(math.floor(2.0)).__name__)
print('integers', math.gcd(12, 18, 30), math.lcm(4, 6, 10), math.factorial(25), math.comb(52, 5), math.perm(10, 3), math.perm(5))
print('prod', math.prod([1, 2, 3, 4]), math.prod([], start=7), math.prod([0.5, 4]))
print('fsum', math.fsum([0.1] * 10), sum([0.1] * 10), math.fsum([1e100, 1.0, -1e100]))
print('hypot', math.hypot(3, 4), math.hypot(1, 1, 1, 1), math.dist((1, 2), (4, 6)))
print('exp/log', math.exp(1), math.expm1(1e-10), math.log(100, 10), math.log2(1024), math.log10(0.001), math.log1p(1e-15), math.log(2**2000))
print('pow', math.pow(2, 0.5), math.pow(-8, 3), math.pow(0, 0), math.exp2(10))
print('float parts', math.fabs(-3), math.fmod(7, -3), math.frexp(12.0), math.ldexp(0.75, 4), math.modf(-3.25), math.copysign(2, -0.0))
print('compare', math.isclose(1.0, 1.0 + 1e-10), math.isclose(1, 1.1, rel_tol=0.2), math.isfinite(1e308), math.isinf(-math.inf), math.isnan(math.nan))
print('angles', math.degrees(math.pi), math.radians(180))
print('trig', math.sin(0.5), math.cos(0.5), math.tan(0.5), math.asin(0.5), math.acos(0.5), math.atan(0.5), math.atan2(1, -1))
print('hyperbolic', math.sinh(1), math.cosh(1), math.tanh(0.5), math.asinh(1), math.acosh(2), math.atanh(0.5))
print('special', math.erf(0.5), math.erfc(0.5), math.gamma(5.5), math.lgamma(10.5), math.gamma(0.5) ** 2)
print('ulp', math.nextafter(1.0, 2.0), math.nextafter(0.0, -1.0), math.nextafter(1.0, 2.0, steps=4), math.ulp(1.0), math.ulp(0.0))
print('remainder', math.remainder(10, 3), math.remainder(11, 3), math.remainder(-7.5, 5))
print('sumprod', math.sumprod([1, 2, 3], [4, 5, 6]), math.sumprod([0.1] * 3, [10.0] * 3))
print('fma', math.fma(2.0, 3.0, 1.0), math.fma(0.1, 10.0, -1.0))
error('sqrt', lambda: math.sqrt(-1))
error('log', lambda: math.log(0))
error('exp', lambda: math.exp(1000))
error('factorial', lambda: math.factorial(-1))
error('factorial float', lambda: math.factorial(2.0))
error('isqrt', lambda: math.isqrt(-4))
error('comb', lambda: math.comb(5, -1))
error('fsum', lambda: math.fsum([math.inf, -math.inf]))
error('pow', lambda: math.pow(0, -1))
error('ldexp', lambda: math.ldexp(1.0, 1.5))
error('trunc', lambda: math.trunc('x'))
error('floor', lambda: math.floor(math.inf))
error('dist', lambda: math.dist((1,), (1, 2)))
error('fma', lambda: math.fma(math.inf, 0.0, 1.0))


class Money:
    def __init__(self, cents):
        self.cents = cents

    def __floor__(self):
        return self.cents // 100

    def __ceil__(self):
        return -(-self.cents // 100)

    def __trunc__(self):
        return int(self.cents / 100)

    def __float__(self):
        return self.cents / 100


m = Money(-250)
print('dunders', math.floor(m), math.ceil(m), math.trunc(m), math.fabs(m))
