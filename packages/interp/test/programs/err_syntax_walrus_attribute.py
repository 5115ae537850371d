class C:
    pass
c = C()
if (c.attr := 5):
    pass
