print('geometry.units executing', __name__, __package__)
FACTOR = 2
def scale(v):
    return v * FACTOR
