class Shape:
    def area(self):
        raise NotImplementedError('subclasses define area')

print('computing')
Shape().area()
