# __name__ == '__main__', module attributes of the main program, sys.path[0].
import sys
def main():
    print('main() called because __name__ ==', repr(__name__))
    return 0
print(__name__, __spec__, __package__, __file__, __doc__)
print(sys.argv[0], sys.argv[1:], sys.path[0].endswith('programs'), sys.modules['__main__'].__name__)
print(type(__builtins__).__name__)
if __name__ == '__main__':
    main()
else:
    print('not main')
sys.path.insert(0, sys.path[0] + '/pkgs')
import helper_mod
print(helper_mod.__name__ != '__main__', vars(sys.modules['__main__']) is globals())
