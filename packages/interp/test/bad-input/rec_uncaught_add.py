class Num:
    def __add__(self, other):
        return self + other

Num() + 1
