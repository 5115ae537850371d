def combine(a, b, c, d, e):
    return a + b + c + d + e

values = {'a': 1, 'b': None}
def total():
    return combine(
        values['a'],
        2,
        3,
        4,
        values['b'],
    )

def compute():
    x = [1, 2, 3]
    y = (x[0] +
         x[1] *
         x[7])
    return y

try:
    total()
except TypeError as e:
    first = e
try:
    result = compute()
except IndexError as e:
    e.__context__ = first
    second = e
message = 'abc'
third = ValueError(message.upper(
    ).lower())
third.__context__ = second
final = (
    third,
)
raise final[
    0
]
