"""linalg ops for the tensorflow backend."""
