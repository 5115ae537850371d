def cleanup():
    raise RuntimeError('cleanup failed')
def work():
    try:
        1 / 0
    except ZeroDivisionError:
        cleanup()
work()
