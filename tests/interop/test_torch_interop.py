"""PyTorch interop: a torch.nn.Module inside a Lamina model, and a Lamina model in a plain
PyTorch training loop."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from lamina.layers.stateless import stateless_call
from lamina.layers.wrappers import TorchModuleWrapper, torch_parameters
from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "torch", reason="PyTorch interop needs torch")


def _data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((32, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [3.0]], "float32") + 0.1).astype("float32")
    return x, y


def test_wrapped_module_tracks_and_trains_parameters():
    import torch

    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    layer = TorchModuleWrapper(module)
    model = lamina.Sequential([lamina.Input((4,)), layer])
    assert len(model.trainable_variables) == 4
    # The variables hold the module's own tensors.
    assert model.trainable_variables[0].value is module[0].weight
    x, y = _data()
    expected = module(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(model(x)), expected, atol=1e-6)
    before = module[0].weight.detach().clone()
    model.compile(optimizer=lamina.optimizers.SGD(0.05), loss="mse")
    history = model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]
    assert not torch.equal(before, module[0].weight.detach())


def test_wrapped_module_buffers_and_modes():
    import torch

    module = torch.nn.BatchNorm1d(3)
    layer = TorchModuleWrapper(module, name="bn")
    inputs = lamina.Input((3,))
    model = lamina.Model(inputs, lamina.layers.Dense(2)(layer(inputs)))
    assert model.output_shape == (None, 2)
    names = [v.name for v in layer.non_trainable_variables]
    assert "running_mean" in names and "running_var" in names
    x = np.random.default_rng(1).standard_normal((16, 3)).astype("float32") * 3 + 5
    model(x, training=True)
    assert module.running_mean.abs().sum() > 0  # training mode updated the statistics
    mean = module.running_mean.clone()
    model(x, training=False)
    assert torch.equal(mean, module.running_mean)  # eval mode left them alone


def test_lazy_module_is_built_from_input_shape():
    import torch

    layer = TorchModuleWrapper(torch.nn.LazyLinear(5))
    model = lamina.Sequential([lamina.Input((7,)), layer])
    assert model.output_shape == (None, 5)
    assert [tuple(v.shape) for v in layer.trainable_variables] == [(5, 7), (5,)]


def test_plain_torch_loop_trains_lamina_model():
    import torch

    lamina.utils.set_random_seed(0)
    model = lamina.Sequential(
        [lamina.Input((4,)), lamina.layers.Dense(8, activation="tanh"), lamina.layers.Dense(1)]
    )
    params = torch_parameters(model)
    assert all(isinstance(p, torch.Tensor) and p.requires_grad for p in params)
    optimizer = torch.optim.SGD([v.value for v in model.trainable_variables], lr=0.05)
    x, y = _data()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    losses = []
    for _ in range(40):
        optimizer.zero_grad()
        loss = torch.mean((model(xt) - yt) ** 2)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    assert losses[-1] < 0.3 * losses[0]
    # The model's own predict sees the trained weights.
    pred = model.predict(x, verbose=0)
    assert float(np.mean((pred - y) ** 2)) == pytest.approx(losses[-1], rel=0.5)


def test_stateless_call_gives_gradients_to_given_tensors():
    import torch

    model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(2)])
    trainable = [v.value.detach().clone().requires_grad_(True) for v in model.trainable_variables]
    x, _ = _data()
    out, non_trainable = stateless_call(model, trainable, [], torch.from_numpy(x))
    out.sum().backward()
    np.testing.assert_allclose(trainable[1].grad.numpy(), np.full(2, 32.0))
    assert non_trainable == []
    assert model.trainable_variables[0].value.grad is None  # the model's tensors untouched


def test_other_inputs_are_refused():
    with pytest.raises(ValueError, match="torch.nn.Module"):
        TorchModuleWrapper(lambda x: x)
