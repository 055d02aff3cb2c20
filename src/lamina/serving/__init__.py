"""`lamina.serving`: serve a saved model over HTTP with TF-Serving's REST API.

    from lamina.serving import ModelServer

    with ModelServer("mnist.lamina", port=8501) as server:
        ...  # POST {"instances": [...]} to server.url + "v1/models/mnist:predict"

The command ``lamina serve MODEL`` does the same from a shell (see `lamina.serving.cli`).
Serving needs only NumPy: run it with ``LAMINA_BACKEND=numpy`` to deploy without a training
framework.
"""

from lamina.serving.protocol import RequestError, Signature
from lamina.serving.server import ModelServer

__all__ = ["ModelServer", "RequestError", "Signature"]
