print('cyclic_a start')
import cyclic_b
A_VALUE = 'a'
def from_b():
    return cyclic_b.B_VALUE
print('cyclic_a end')
