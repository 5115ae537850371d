print('geometry.sub executing', __name__, __package__)
