"""TF's quantization settings are accepted but do nothing in siglite, and the converter says so
instead of writing a float model silently."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import siglite as sl


def _converter() -> sl.Converter:
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [-1, 3])
    w = g.const(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3), "w")
    g.output(g.op("FULLY_CONNECTED", x, w, None), "y")
    mb.signature("serving_default", g)
    return sl.Converter.from_model(mb.build())


def _representative():
    yield [np.ones((1, 3), np.float32)]


@pytest.mark.parametrize(
    "setting",
    [
        ("optimizations", [sl.lite.Optimize.DEFAULT]),
        ("representative_dataset", _representative),
        ("supported_ops", [sl.lite.OpsSet.TFLITE_BUILTINS_INT8]),
    ],
)
@pytest.mark.parametrize("method", ["convert", "convert_model"])
def test_quantization_settings_warn_and_change_nothing(setting, method):
    name, value = setting
    plain = _converter().convert()
    converter = _converter()
    setattr(converter.target_spec if name == "supported_ops" else converter, name, value)
    named = "OpsSet.TFLITE_BUILTINS_INT8" if name == "supported_ops" else name
    with pytest.warns(UserWarning, match=f"does not quantize; {named} set") as seen:
        result = getattr(converter, method)()
    assert seen[0].filename == __file__  # points at the caller's line
    data = result if method == "convert" else sl.write_model(result)
    assert data == plain
    dtypes = {t.dtype for sg in sl.read_model(data).subgraphs for t in sg.tensors}
    assert dtypes == {sl.float32}


def test_no_warning_by_default():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _converter().convert()
