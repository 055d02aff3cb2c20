"""Every backend exports the same functions with the same signatures (DESIGN rule 2).

The backend modules are compared by reading their source with `ast`, so the frameworks of the
inactive backends need not be imported (or even be importable).
"""

import ast
import pathlib

import pytest

import lamina

BACKEND_DIR = pathlib.Path(lamina.__file__).parent / "backend"
BACKENDS = ("numpy", "jax", "torch", "tensorflow")
MODULES = ("core", "numpy", "nn", "math", "linalg", "random", "trainer")
# Conversions between Lamina's dtype names and one framework's own dtype objects.
FRAMEWORK_HELPERS = {"to_torch_dtype", "from_torch_dtype", "to_tf_dtype"}


def _public_functions(path):
    tree = ast.parse(path.read_text())
    out = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            args = node.args
            names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
            defaults = [ast.unparse(d) for d in args.defaults + args.kw_defaults if d is not None]
            out[node.name] = (
                tuple(names),
                tuple(defaults),
                args.vararg is not None,
                args.kwarg is not None,
            )
    return out


@pytest.mark.parametrize("module", MODULES)
def test_backends_define_the_same_functions(module):
    found = {b: _public_functions(BACKEND_DIR / b / f"{module}.py") for b in BACKENDS}
    reference = found["jax"]
    for backend, functions in found.items():
        missing = sorted(set(reference) - set(functions) - FRAMEWORK_HELPERS)
        extra = sorted(set(functions) - set(reference) - FRAMEWORK_HELPERS)
        assert not missing and not extra, (
            f"backend/{backend}/{module}.py differs from backend/jax/{module}.py: "
            f"missing {missing}, extra {extra}"
        )


@pytest.mark.parametrize("module", MODULES)
def test_backends_use_the_same_signatures(module):
    found = {b: _public_functions(BACKEND_DIR / b / f"{module}.py") for b in BACKENDS}
    for name, signature in found["jax"].items():
        for backend in BACKENDS:
            other = found[backend].get(name)
            if other is None:
                continue
            assert other[0] == signature[0] and other[2:] == signature[2:], (
                f"{module}.{name}: backend {backend} has arguments {other[0]}, jax has "
                f"{signature[0]}"
            )


def test_public_ops_reach_a_backend_function():
    """Each public op that dispatches to the backend names a function every backend has."""
    ops_dir = pathlib.Path(lamina.__file__).parent / "ops"
    for family in ("numpy", "nn", "math", "linalg", "core"):
        source = (ops_dir / f"{family}.py").read_text()
        backend_functions = _public_functions(BACKEND_DIR / "jax" / f"{family}.py")
        if family == "core":
            backend_functions = {
                **backend_functions,
                **_public_functions(BACKEND_DIR / "jax" / "core.py"),
            }
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Attribute)
                and isinstance(node.value.value, ast.Name)
                and node.value.value.id == "B"
                and node.value.attr == family
            ):
                assert node.attr in backend_functions, (
                    f"ops/{family}.py calls B.{family}.{node.attr}, which backend/jax/"
                    f"{family}.py does not define"
                )
