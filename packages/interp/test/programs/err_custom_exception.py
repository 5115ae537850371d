class ValidationError(Exception):
    def __init__(self, field, problem):
        super().__init__(f'{field}: {problem}')
        self.field = field
class Validator:
    def check(self, record):
        if 'id' not in record:
            raise ValidationError('id', 'required')
Validator().check({'name': 'x'})
