import sys
sys.path.insert(0, sys.path[0] + '/pkgs')
import faulty
def run():
    return faulty.parse('12') + faulty.parse('oops')
run()
