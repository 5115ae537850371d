def op():
    e = ValueError('bad input')
    e.add_note('while processing record 7')
    e.add_note('hint: check the file')
    raise e
op()
