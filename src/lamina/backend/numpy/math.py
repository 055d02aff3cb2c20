"""math ops for the numpy backend."""
