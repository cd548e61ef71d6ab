"""Front end: the `newsbot` command line (one module per command) and the terminal renderer."""
