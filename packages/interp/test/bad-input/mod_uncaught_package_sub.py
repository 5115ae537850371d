import math.integer
