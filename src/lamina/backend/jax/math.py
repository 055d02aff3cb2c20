"""math ops for the jax backend."""
