"""Functions that fail, for tracebacks that cross modules."""
def parse(text):
    return convert(text)
def convert(text):
    return int(text)
