"""linalg ops for the jax backend."""
