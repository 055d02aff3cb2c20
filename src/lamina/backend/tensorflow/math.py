"""math ops for the tensorflow backend."""
