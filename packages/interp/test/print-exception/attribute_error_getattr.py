import math

class Account:
    def __init__(self):
        self.balance = 10
        self._secret = 1

    def peek(self):
        return self._secrit

try:
    math.pii
except AttributeError as e:
    first = e
try:
    Account().peek()
except AttributeError as e:
    e.__context__ = first
    second = e
try:
    Account()._secrit
except AttributeError as e:
    e.__context__ = second
    raise
