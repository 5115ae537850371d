try:
    {}[('a', 1)]
except KeyError:
    try:
        raise ValueError
    except ValueError:
        raise KeyError('')
