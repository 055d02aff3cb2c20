"""random ops for the jax backend."""
