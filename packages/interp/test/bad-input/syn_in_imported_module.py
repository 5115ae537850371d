import sys
sys.path.insert(0, "pkgs")
print("before")
import broken_syntax
