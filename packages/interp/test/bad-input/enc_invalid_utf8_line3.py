print("fine")
x = 1
s = "bad ÿ byte"
