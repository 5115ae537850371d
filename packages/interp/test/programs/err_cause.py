class ConfigError(Exception):
    pass
def read(key):
    data = {'a': 1}
    return data[key]
def load(key):
    try:
        return read(key)
    except KeyError as e:
        raise ConfigError(f'missing setting {key!r}') from e
load('b')
