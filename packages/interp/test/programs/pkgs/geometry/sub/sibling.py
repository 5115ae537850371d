NAME = 'sibling of deep'
