"""nn ops for the tensorflow backend."""
