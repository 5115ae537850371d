def parse(text):
    try:
        return int(text)
    except ValueError as e:
        raise RuntimeError('bad config') from e

def load():
    try:
        parse('x1')
    except RuntimeError:
        {}['missing']

load()
