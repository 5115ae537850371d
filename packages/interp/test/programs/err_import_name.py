from sys import no_such_name
