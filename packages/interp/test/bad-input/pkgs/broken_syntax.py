print("importing broken")
def f(:
    pass
