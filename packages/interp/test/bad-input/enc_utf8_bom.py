print("after a BOM")
