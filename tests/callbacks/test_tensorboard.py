"""TensorBoard callback: real event files, read back with TensorBoard's own reader."""

from __future__ import annotations

import struct

import numpy as np
import pytest

import lamina
from lamina.callbacks.tensorboard import TensorBoard
from lamina.utils import event_file
from tests.conftest import requires_training

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")


def _accumulator(folder):
    acc = event_accumulator.EventAccumulator(
        str(folder), size_guidance={event_accumulator.HISTOGRAMS: 0, event_accumulator.SCALARS: 0}
    )
    acc.Reload()
    return acc


def test_crc32c_known_values():
    # RFC 3720 test vector and the empty string.
    assert event_file.crc32c(b"123456789") == 0xE3069283
    assert event_file.crc32c(b"") == 0
    assert event_file.crc32c(bytes(32)) == 0x8A9136AA


def test_writer_scalars_histograms_graph(tmp_path):
    writer = event_file.EventFileWriter(str(tmp_path))
    for step in range(3):
        writer.add_scalars({"loss": 1.0 / (step + 1)}, step)
    values = np.arange(100, dtype="float32")
    writer.add_values([event_file.histogram_value("w/histogram", values)], 2)
    writer.add_graph([("input", "InputLayer", []), ("dense", "Dense", ["input"])])
    writer.close()
    acc = _accumulator(tmp_path)
    scalars = acc.Scalars("loss")
    assert [e.step for e in scalars] == [0, 1, 2]
    np.testing.assert_allclose([e.value for e in scalars], [1.0, 0.5, 1.0 / 3], rtol=1e-6)
    (histo,) = acc.Histograms("w/histogram")
    assert histo.step == 2
    assert histo.histogram_value.num == 100
    assert histo.histogram_value.max == 99 and histo.histogram_value.min == 0
    assert sum(histo.histogram_value.bucket) == 100
    graph = acc.Graph()
    assert [n.name for n in graph.node] == ["input", "dense"]
    assert list(graph.node[1].input) == ["input"]


def test_records_are_framed(tmp_path):
    writer = event_file.EventFileWriter(str(tmp_path))
    writer.close()
    data = open(writer.path, "rb").read()
    (length,) = struct.unpack("<Q", data[:8])
    assert struct.unpack("<I", data[8:12])[0] == event_file.masked_crc32c(data[:8])
    payload = data[12 : 12 + length]
    assert struct.unpack("<I", data[12 + length : 16 + length])[0] == (
        event_file.masked_crc32c(payload)
    )
    assert b"brain.Event:2" in payload


@requires_training
def test_fit_writes_epoch_batch_and_validation_logs(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 4)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("int32")
    model = lamina.Sequential(
        [lamina.Input((4,)), lamina.layers.Dense(6, activation="relu"), lamina.layers.Dense(2)]
    )
    model.compile(
        optimizer=lamina.optimizers.SGD(0.05),
        loss=lamina.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    callback = TensorBoard(tmp_path, histogram_freq=1, update_freq=2, write_steps_per_second=True)
    history = model.fit(
        x, y, epochs=3, batch_size=8, validation_data=(x, y), callbacks=[callback], verbose=0
    )
    train = _accumulator(tmp_path / "train")
    tags = train.Tags()
    for tag in ("epoch_loss", "epoch_accuracy", "epoch_learning_rate", "epoch_steps_per_second"):
        assert tag in tags["scalars"], tag
    losses = [e.value for e in train.Scalars("epoch_loss")]
    np.testing.assert_allclose(losses, history.history["loss"], rtol=1e-5)
    np.testing.assert_allclose([e.value for e in train.Scalars("epoch_learning_rate")], 0.05)
    assert [e.step for e in train.Scalars("batch_loss")] == [2, 4, 6, 8, 10, 12]
    assert len(tags["histograms"]) == 4
    assert any("kernel" in t for t in tags["histograms"])
    assert train.Graph() is not None and len(train.Graph().node) == 3
    val = _accumulator(tmp_path / "validation")
    np.testing.assert_allclose(
        [e.value for e in val.Scalars("epoch_loss")], history.history["val_loss"], rtol=1e-5
    )


def test_argument_errors():
    with pytest.raises(ValueError, match="update_freq"):
        TensorBoard(update_freq="sometimes")
    with pytest.raises(ValueError, match="histogram_freq"):
        TensorBoard(histogram_freq=-1)
