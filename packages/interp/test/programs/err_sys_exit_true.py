import sys
sys.stdout.write('partial line without newline')
raise SystemExit(True)
