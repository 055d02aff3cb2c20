"""The docstring examples of the public API run: ``>>>`` lines are run with doctest.

Every module under the packages that the API reference documents is collected, plus
`lamina.config` and the public names of `lamina.backend` (its internals are not documented).
Each example runs in its module's namespace plus `lamina`, `np`, `keras` (= lamina), `ops` and
`layers`, in a temporary working folder with ``LAMINA_HOME`` inside it, and its printed output
must match what is written below it. Examples run in the numpy session, where results print as
NumPy arrays and shapes as tuples, except:

- those that train (the NumPy backend cannot), in the torch session (`TRAINING_EXAMPLES`);
- those that use JAX or Keras itself, in the jax or tensorflow session (`JAX_EXAMPLES`,
  `TENSORFLOW_EXAMPLES`); an example whose optional package is missing (`REQUIRES`) skips;
- those of the active backend's own functions (``lamina.backend.cast`` is
  ``lamina.backend.<name>.core.cast``): each backend's run in its own session.

Data set loaders read a small random stand-in mirror of the data set's shapes (`DATASETS`), so
their examples call `load_data` offline.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import lamina

BACKEND = lamina.backend.backend()
DOCUMENTED = [
    "lamina",
    "lamina.activations",
    "lamina.callbacks",
    "lamina.constraints",
    "lamina.datasets",
    "lamina.distribution",
    "lamina.export",
    "lamina.initializers",
    "lamina.layers",
    "lamina.losses",
    "lamina.metrics",
    "lamina.models",
    "lamina.ops",
    "lamina.optimizers",
    "lamina.random",
    "lamina.regularizers",
    "lamina.saving",
    "lamina.serving",
    "lamina.training",
    "lamina.utils",
    "lamina.wrappers",
]
# Modules whose public names must have an example, beyond the documented packages.
ALSO_PUBLIC = ["lamina.config", "lamina.backend", "lamina.optimizers.schedules"]

# Examples that train or use PyTorch: they run in the torch session.
TRAINING_EXAMPLES = {
    "lamina.callbacks.backup_and_restore.BackupAndRestore",
    "lamina.callbacks.csv_logger.CSVLogger",
    "lamina.callbacks.early_stopping.EarlyStopping",
    "lamina.callbacks.history.History",
    "lamina.callbacks.lambda_callback.LambdaCallback",
    "lamina.callbacks.learning_rate_scheduler.LearningRateScheduler",
    "lamina.callbacks.model_checkpoint.ModelCheckpoint",
    "lamina.callbacks.reduce_lr_on_plateau.ReduceLROnPlateau",
    "lamina.callbacks.tensorboard.TensorBoard",
    "lamina.callbacks.terminate_on_nan.TerminateOnNaN",
    "lamina.distribution.distribution_lib.DataParallel",
    "lamina.layers.wrappers.torch_module_wrapper.TorchModuleWrapper",
    "lamina.layers.wrappers.torch_module_wrapper.torch_parameters",
    "lamina.training.trainer.value_and_grad",
    "lamina.utils.torch_parameters",
    "lamina.wrappers.sklearn.SKLearnClassifier",
    "lamina.wrappers.sklearn.SKLearnRegressor",
    "lamina.wrappers.sklearn.SKLearnTransformer",
}
JAX_EXAMPLES = {
    "lamina.layers.wrappers.flax_layer.FlaxLayer",
    "lamina.layers.wrappers.jax_layer.JaxLayer",
}
TENSORFLOW_EXAMPLES = {"lamina.saving.keras_file.load_keras_file"}  # Keras 3 writes a file
SESSION = {
    **dict.fromkeys(TRAINING_EXAMPLES, "torch"),
    **dict.fromkeys(JAX_EXAMPLES, "jax"),
    **dict.fromkeys(TENSORFLOW_EXAMPLES, "tensorflow"),
}
REQUIRES = {
    "lamina.layers.wrappers.flax_layer.FlaxLayer": "flax",
    "lamina.saving.keras_file.load_keras_file": "keras",
    "lamina.utils.plot_history.plot_history": "matplotlib",
    "lamina.utils.plot_model.plot_model": "matplotlib",
}
# Loader example -> (mirror file, image shape, label shape) of its stand-in mirror.
DATASETS = {
    "lamina.datasets.mnist.load_data": ("mnist.npz", (28, 28), ()),
    "lamina.datasets.fashion_mnist.load_data": ("fashion_mnist.npz", (28, 28), ()),
    "lamina.datasets.cifar10.load_data": ("cifar10.npz", (32, 32, 3), (1,)),
    "lamina.datasets._fetch.DatasetUnavailableError": ("mnist.npz", (28, 28), ()),
}
DOCTEST_BACKEND = "numpy"

NAMESPACE = {
    "lamina": lamina,
    "keras": lamina,
    "np": np,
    "ops": lamina.ops,
    "layers": lamina.layers,
}


def _modules():
    names = ["lamina.config"]
    for package in DOCUMENTED:
        module = importlib.import_module(package)
        names.append(package)
        if package != "lamina" and hasattr(module, "__path__"):
            for info in pkgutil.walk_packages(module.__path__, package + "."):
                names.append(info.name)
    return sorted(set(names))


def _public(module_name):
    """The public functions and classes of a module (not submodules, not constants)."""
    module = importlib.import_module(module_name)
    out = []
    for name in getattr(module, "__all__", None) or [n for n in dir(module) if n[0] != "_"]:
        try:
            obj = getattr(module, name)
        except ImportError:  # a lazily imported optional dependency is missing
            continue
        if callable(obj) and not inspect.ismodule(obj):
            out.append((name, obj))
    return out


def _examples():
    finder = doctest.DocTestFinder(exclude_empty=True)
    found = {}
    for name in _modules():
        try:
            module = importlib.import_module(name)
        except ImportError:  # an optional dependency (e.g. scikit-learn) is missing
            continue
        for test in finder.find(module, name):
            found.setdefault(test.name, test)
    # `lamina.backend`'s names live in lamina.backend.common and the active backend's modules;
    # a backend's `Variable` takes its docstring from the common base class.
    for _, obj in _public("lamina.backend"):
        for owner in getattr(obj, "__mro__", [obj]):
            module = inspect.getmodule(owner)
            if module.__name__.startswith("lamina."):
                qualified = f"{module.__name__}.{owner.__name__}"
                for test in finder.find(owner, qualified, module=module):
                    found.setdefault(test.name, test)
    return [found[k] for k in sorted(found)]


def _session(name):
    """The backend session that runs the examples of ``name`` (or of a method of it)."""
    if name.startswith(f"lamina.backend.{BACKEND}."):
        return BACKEND  # the active backend's own functions
    for owner, session in SESSION.items():
        if name == owner or name.startswith(owner + "."):
            return session
    return DOCTEST_BACKEND


EXAMPLES = [t for t in _examples() if _session(t.name) == BACKEND]


def test_examples_are_collected():
    if BACKEND != DOCTEST_BACKEND:
        pytest.skip(f"most docstring examples run in the {DOCTEST_BACKEND} session")
    assert len(EXAMPLES) > 100


def test_every_public_name_has_an_example():
    if BACKEND != DOCTEST_BACKEND:
        pytest.skip(f"checked in the {DOCTEST_BACKEND} session")
    seen, missing = set(), []
    for module_name in DOCUMENTED + ALSO_PUBLIC:
        for name, obj in _public(module_name):
            if id(obj) not in seen and ">>>" not in (inspect.getdoc(obj) or ""):
                missing.append(f"{module_name}.{name}")
            seen.add(id(obj))
    assert not missing, f"{len(missing)} public names have no `>>>` example: {missing}"


def _stand_in_mirror(folder, mirror_file, image_shape, label_shape):
    """A data set mirror of random images of the right shapes (CI has no copy of the data)."""
    rng = np.random.default_rng(0)
    arrays = {}
    for split, n in (("train", 12), ("test", 4)):
        arrays[f"x_{split}"] = rng.integers(0, 256, (n, *image_shape), dtype=np.uint8)
        arrays[f"y_{split}"] = rng.integers(0, 10, (n, *label_shape), dtype=np.uint8)
    folder.mkdir(exist_ok=True)
    np.savez(folder / mirror_file, **arrays)
    return folder


@pytest.mark.parametrize("test", EXAMPLES, ids=[t.name for t in EXAMPLES])
def test_docstring_example(test, tmp_path, monkeypatch):
    if test.name in REQUIRES:
        pytest.importorskip(REQUIRES[test.name])
    if test.name in DATASETS:
        mirror = _stand_in_mirror(tmp_path / "mirror", *DATASETS[test.name])
        monkeypatch.setenv("LAMINA_DATA_DIR", str(mirror))
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    lamina.utils.set_random_seed(0)
    test.globs = {**test.globs, **NAMESPACE}
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    out = []
    try:
        result = runner.run(test, out=out.append)
    finally:
        lamina.distribution.set_distribution(None)  # an example may set one
    assert result.failed == 0, "".join(out)
