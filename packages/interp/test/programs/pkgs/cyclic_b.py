print('cyclic_b start')
import cyclic_a
print('cyclic_b sees partially initialized cyclic_a:', hasattr(cyclic_a, 'A_VALUE'))
B_VALUE = 'b'
print('cyclic_b end')
