"""`lamina.demo`: the programs behind ``lamina demo``; see `lamina.demo.mnist`.

The submodules import Lamina's models and a backend, so this package imports none of them:
``lamina.demo.mnist`` is loaded by the ``lamina`` command once the backend is settled.
"""
