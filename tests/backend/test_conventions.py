"""Every backend exports the same functions with the same signatures (DESIGN rule 2).

The backend modules are compared by reading their source with `ast`, so the frameworks of the
inactive backends need not be imported (or even be importable). A module that is a package
(``backend/<b>/numpy/``, one module per op family) counts as all its modules together.
"""

import ast
import pathlib

import pytest

import lamina

PACKAGE_DIR = pathlib.Path(lamina.__file__).parent
BACKEND_DIR = PACKAGE_DIR / "backend"
BACKENDS = ("numpy", "jax", "torch", "tensorflow")
MODULES = ("core", "numpy", "nn", "math", "linalg", "random", "trainer")
# Conversions between Lamina's dtype names and one framework's own dtype objects.
FRAMEWORK_HELPERS = {"to_torch_dtype", "from_torch_dtype", "to_tf_dtype"}


def _sources(path):
    """The source files of module ``path`` (without ``.py``): the file, or a package's modules."""
    if path.is_dir():
        return sorted(path.glob("*.py"))
    return [path.with_suffix(".py")]


def _file_functions(file):
    out = {}
    for node in ast.parse(file.read_text()).body:
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


def _public_functions(path):
    """Name -> (arguments, defaults, *args, **kwargs) of the public functions of module ``path``
    (for a package: of all its modules, each function defined in one module only)."""
    out, where = {}, {}
    for file in _sources(path):
        for name, signature in _file_functions(file).items():
            assert name not in where, f"{name} is defined in both {where[name]} and {file}"
            out[name], where[name] = signature, file
    return out


@pytest.mark.parametrize("module", MODULES)
def test_backends_define_the_same_functions(module):
    found = {b: _public_functions(BACKEND_DIR / b / module) for b in BACKENDS}
    reference = found["jax"]
    for backend, functions in found.items():
        missing = sorted(set(reference) - set(functions) - FRAMEWORK_HELPERS)
        extra = sorted(set(functions) - set(reference) - FRAMEWORK_HELPERS)
        assert not missing and not extra, (
            f"backend/{backend}/{module} differs from backend/jax/{module}: "
            f"missing {missing}, extra {extra}"
        )


@pytest.mark.parametrize("module", MODULES)
def test_backends_use_the_same_signatures(module):
    found = {b: _public_functions(BACKEND_DIR / b / module) for b in BACKENDS}
    for name, signature in found["jax"].items():
        for backend in BACKENDS:
            other = found[backend].get(name)
            if other is None:
                continue
            assert other[0] == signature[0] and other[2:] == signature[2:], (
                f"{module}.{name}: backend {backend} has arguments {other[0]}, jax has "
                f"{signature[0]}"
            )


@pytest.mark.parametrize("backend", BACKENDS)
def test_numpy_package_exports_every_function(backend):
    """`active.numpy.<op>` finds every op: the package star-imports each family module, whose
    ``__all__`` is every function it defines, and imports the helpers' public names."""
    package = BACKEND_DIR / backend / "numpy"
    imports = [
        node
        for node in ast.parse((package / "__init__.py").read_text()).body
        if isinstance(node, ast.ImportFrom)
    ]
    star_imported = {node.module for node in imports if node.names[0].name == "*"}
    imported = {alias.asname or alias.name for node in imports for alias in node.names}
    for file in _sources(package):
        module = f"lamina.backend.{backend}.numpy.{file.stem}"
        if file.name == "__init__.py":
            continue
        if file.name.startswith("_"):
            missing = sorted(set(_file_functions(file)) - imported)
            assert not missing, f"{file} defines {missing}, which the package does not import"
            continue
        assert module in star_imported, f"backend/{backend}/numpy/__init__.py misses {module}"
        assert "__all__ = defined_ops(globals())" in file.read_text(), (
            f"{file} must end with `__all__ = defined_ops(globals())`"
        )


def test_public_ops_reach_a_backend_function():
    """Each public op that dispatches to the backend names a function every backend has."""
    backend_functions = {m: _public_functions(BACKEND_DIR / "jax" / m) for m in MODULES}
    for file in sorted((PACKAGE_DIR / "ops").rglob("*.py")):
        for node in ast.walk(ast.parse(file.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Attribute)
                and isinstance(node.value.value, ast.Name)
                and node.value.value.id == "B"
                and node.value.attr in backend_functions
            ):
                family = node.value.attr
                assert node.attr in backend_functions[family], (
                    f"{file.relative_to(PACKAGE_DIR)} calls B.{family}.{node.attr}, which "
                    f"backend/jax/{family} does not define"
                )
