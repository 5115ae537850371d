def load():
    import missing_inner_module
    return missing_inner_module

def main():
    return load()

main()
