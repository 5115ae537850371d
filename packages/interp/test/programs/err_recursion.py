def forever(n):
    return forever(n + 1)
def start():
    return forever(0)
start()
