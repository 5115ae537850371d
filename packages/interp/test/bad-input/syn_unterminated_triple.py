print("not reached")
x = 1
y = """never
closed
