config = {'host': 'localhost', 'port': 80}
def get(key):
    return config[key]
def connect():
    return f"{get('host')}:{get('port')}/{get('path')}"
connect()
