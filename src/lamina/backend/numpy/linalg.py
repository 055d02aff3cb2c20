"""linalg ops for the numpy backend."""
