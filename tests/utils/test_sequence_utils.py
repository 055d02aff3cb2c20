"""`lamina.utils.pad_sequences` against Keras's."""

import numpy as np
import pytest

from lamina.utils.sequence_utils import pad_sequences

SEQS = [[1, 2, 3], [4], [], [5, 6, 7, 8, 9]]


@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
@pytest.mark.parametrize("maxlen", [None, 2, 4, 7])
def test_matches_keras(padding, truncating, maxlen):
    keras = pytest.importorskip("keras")
    kwargs = dict(maxlen=maxlen, padding=padding, truncating=truncating, value=-1)
    got = pad_sequences(SEQS, **kwargs)
    want = keras.utils.pad_sequences(SEQS, **kwargs)
    assert got.dtype == want.dtype == np.int32
    np.testing.assert_array_equal(got, want)


def test_dtype_and_features():
    out = pad_sequences([np.ones((2, 3)), np.ones((1, 3))], dtype="float32", value=0.5)
    assert out.shape == (2, 2, 3) and out.dtype == np.float32 and out[1, 0, 0] == 0.5
    strings = pad_sequences([["a", "b"], ["c"]], dtype=object, value="")
    assert strings.tolist() == [["a", "b"], ["", "c"]]


def test_errors():
    with pytest.raises(ValueError, match="padding"):
        pad_sequences(SEQS, padding="middle")
    with pytest.raises(ValueError, match="sequence"):
        pad_sequences([1, 2])
