print('raises_on_import executing')
VALUE = 1
raise RuntimeError('module failed during import')
