"""The ``leadline`` command line: thin commands that call the use cases."""
