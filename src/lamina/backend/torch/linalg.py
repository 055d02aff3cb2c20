"""linalg ops for the torch backend."""
