handlers = {'a': 5}
def dispatch(name):
    return handlers[name]()
dispatch('a')
