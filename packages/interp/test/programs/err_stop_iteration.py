def first(it):
    return next(iter(it))
first([])
