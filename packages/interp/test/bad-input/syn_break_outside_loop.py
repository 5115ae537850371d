def f():
    return 1
break
