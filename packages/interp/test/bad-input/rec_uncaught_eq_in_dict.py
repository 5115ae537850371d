class Key:
    def __hash__(self):
        return 1

    def __eq__(self, other):
        return {self: 1} == {Key(): 1}

table = {Key(): 'a'}
print(Key() in table)
