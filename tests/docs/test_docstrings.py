"""The docstring examples of the public API run: ``>>>`` lines are run with doctest.

Every module under the packages that the API reference documents is collected (`lamina.backend`
internals are not documented). Each example runs in its module's namespace plus `lamina`,
`np`, `keras` (= lamina), `ops` and `layers`, in the numpy session, where results print as
NumPy arrays and shapes as tuples whatever the backend; the examples that train (listed in
`NEEDS_TRAINING`) run in the torch session instead. An example whose expected output is left
empty (the value is given in a comment, `# [0, 1, 6]`) must run without error; its output is
not compared. Examples listed in `ILLUSTRATIONS` show a call in the context of the text around
them (a `model`, `x`, `y` defined elsewhere, a download): they are not run.
"""

from __future__ import annotations

import doctest
import importlib
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
# Examples that show a call in the context of the guide text (an existing `model`, `x`, `y`,
# a folder): documentation, not self-contained programs.
ILLUSTRATIONS = {
    "lamina.callbacks.backup_and_restore.BackupAndRestore",
    "lamina.callbacks.csv_logger.CSVLogger",
    "lamina.callbacks.early_stopping.EarlyStopping",
    "lamina.callbacks.lambda_callback.LambdaCallback",
    "lamina.callbacks.learning_rate_scheduler.LearningRateScheduler",
    "lamina.callbacks.model_checkpoint.ModelCheckpoint",
    "lamina.callbacks.reduce_lr_on_plateau.ReduceLROnPlateau",
    "lamina.callbacks.tensorboard.TensorBoard",
    "lamina.callbacks.terminate_on_nan.TerminateOnNaN",
    "lamina.datasets.cifar10.load_data",
    "lamina.datasets.fashion_mnist.load_data",
    "lamina.datasets.mnist.load_data",
    "lamina.distribution.distribution_lib.DataParallel",
    "lamina.distribution.distribution_lib.ModelParallel",  # a (2, 2) mesh needs 4 devices
    "lamina.layers.stateless.stateless_call",
    "lamina.layers.wrappers.jax_layer.JaxLayer",
    "lamina.layers.wrappers.torch_module_wrapper.torch_parameters",
    "lamina.ops.core.cond",
    "lamina.saving.keras_file.load_keras_file",
    "lamina.training.trainer.value_and_grad",
    "lamina.utils.plot_history.plot_history",
    "lamina.utils.plot_model.plot_model",
    "lamina.wrappers.sklearn.SKLearnClassifier",
}
# Examples that train or use PyTorch: run in the torch session, not on the NumPy backend.
NEEDS_TRAINING = {
    "lamina.layers.wrappers.torch_module_wrapper.TorchModuleWrapper",
}
DOCTEST_BACKEND = "numpy"


class _Checker(doctest.OutputChecker):
    """Compare outputs as doctest does, except that an empty expected output accepts any."""

    def check_output(self, want, got, optionflags):
        return not want.strip() or super().check_output(want, got, optionflags)


NAMESPACE = {
    "lamina": lamina,
    "keras": lamina,
    "np": np,
    "ops": lamina.ops,
    "layers": lamina.layers,
}


def _modules():
    names = []
    for package in DOCUMENTED:
        module = importlib.import_module(package)
        names.append(package)
        if package != "lamina" and hasattr(module, "__path__"):
            for info in pkgutil.walk_packages(module.__path__, package + "."):
                names.append(info.name)
    return sorted(set(names))


def _examples():
    finder = doctest.DocTestFinder(exclude_empty=True)
    found = {}
    for name in _modules():
        try:
            module = importlib.import_module(name)
        except ImportError:  # an optional dependency (e.g. scikit-learn) is missing
            continue
        for test in finder.find(module, name):
            if test.examples and test.name not in found:
                found[test.name] = test
    return [found[k] for k in sorted(found)]


def _selected():
    if BACKEND == DOCTEST_BACKEND:
        return [t for t in _examples() if t.name not in NEEDS_TRAINING]
    if BACKEND == "torch":
        return [t for t in _examples() if t.name in NEEDS_TRAINING]
    return []


EXAMPLES = _selected()


def test_examples_are_collected():
    if BACKEND != DOCTEST_BACKEND:
        pytest.skip(f"docstring examples run in the {DOCTEST_BACKEND} session")
    assert len(EXAMPLES) > 100


@pytest.mark.parametrize("test", EXAMPLES, ids=[t.name for t in EXAMPLES])
def test_docstring_example(test, tmp_path, monkeypatch):
    if test.name in ILLUSTRATIONS:
        pytest.skip("an illustration in context (uses a model and data from the text)")
    monkeypatch.chdir(tmp_path)
    lamina.utils.set_random_seed(0)
    test.globs = {**test.globs, **NAMESPACE}
    runner = doctest.DocTestRunner(
        checker=_Checker(), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    out = []
    result = runner.run(test, out=out.append)
    assert result.failed == 0, "".join(out)
