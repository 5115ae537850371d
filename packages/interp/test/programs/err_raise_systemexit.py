def stop():
    try:
        raise SystemExit(7)
    finally:
        print('finally runs on SystemExit')
stop()
