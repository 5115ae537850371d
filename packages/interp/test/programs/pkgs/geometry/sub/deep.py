print('geometry.sub.deep executing', __name__, __package__)
from .. import units
from ..shapes import Circle
from . import sibling
def describe():
    return f'deep sees FACTOR={units.FACTOR}, {Circle(1)!r}, {sibling.NAME}'
