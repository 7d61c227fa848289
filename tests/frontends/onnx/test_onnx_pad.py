"""ONNX Pad in every mode, with pads and axes given as constants or at run time, against
onnxruntime (and LiteRT for the edge/wrap GATHER graphs)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from onnx_oracles import assert_close, litert_run, node_model, ort_run, sl_run  # noqa: E402

import siglite as sl  # noqa: E402

MODES = ["constant", "reflect", "edge", "wrap"]
X = np.random.default_rng(0).standard_normal((2, 3, 4, 5)).astype(np.float32)


def pad_model(mode, pads, axes=None, value=None, runtime=(), x=X):
    """Pad ``x``; the inputs named in ``runtime`` (pads, value, axes) are graph inputs."""
    args = {"pads": np.array(pads, np.int64)}
    names = ["x", "pads"]
    if value is not None or axes is not None:
        names.append("value" if value is not None else "")
        if value is not None:
            args["value"] = np.array(value, x.dtype)
    if axes is not None:
        names.append("axes")
        args["axes"] = np.array(axes, np.int64)
    feeds = {"x": x, **{k: v for k, v in args.items() if k in runtime}}
    consts = {k: v for k, v in args.items() if k not in runtime}
    return node_model("Pad", names, ["y"], feeds, consts, opset=21, mode=mode), feeds


CASES = [
    ([0, 1, 2, 3, 0, 2, 1, 3], None),
    ([1, 2, 2, 1], [1, 3]),
    ([2, 1, 1, 3], [-1, 2]),
    ([0, 0, 0, 1, 0, 0, 1, 0], None),
]


RUNTIME = [
    (pads, axes, runtime)
    for pads, axes in CASES
    for runtime in ((), ("pads",), ("pads", "axes"), ("axes",))
    if axes is not None or "axes" not in runtime
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("pads", "axes", "runtime"), RUNTIME)
def test_pad_modes(mode, pads, axes, runtime):
    value = 1.5 if mode == "constant" else None
    model, feeds = pad_model(mode, pads, axes, value, runtime)
    assert_close(sl_run(model, feeds), ort_run(model, feeds))


@pytest.mark.parametrize("mode", ["edge", "wrap"])
@pytest.mark.parametrize("runtime", [(), ("pads",)])
def test_edge_and_wrap_crop_with_negative_pads(mode, runtime):
    model, feeds = pad_model(mode, [0, -1, 2, 1, 0, 1, -2, 0], runtime=runtime)
    assert_close(sl_run(model, feeds), ort_run(model, feeds))


def test_wrap_pads_larger_than_the_dimension():
    model, feeds = pad_model("wrap", [0, 0, 5, 7, 0, 0, 6, 1])
    assert_close(sl_run(model, feeds), ort_run(model, feeds))


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.bool_])
@pytest.mark.parametrize("mode", ["edge", "wrap"])
def test_other_dtypes(mode, dtype):
    x = (np.random.default_rng(1).integers(0, 3, (3, 4)) > 0).astype(dtype)
    model, feeds = pad_model(mode, [1, 2, 2, 1], runtime=("pads",), x=x)
    assert_close(sl_run(model, feeds), ort_run(model, feeds))


def test_run_time_fill_value_with_run_time_axes():
    model, feeds = pad_model("constant", [1, 0, 2, 3], [0, 3], 2.5, ("pads", "value", "axes"))
    assert_close(sl_run(model, feeds), ort_run(model, feeds))


def test_dynamic_dims():
    x = X[0]
    model, feeds = pad_model("edge", [1, 2, 0, 1, 1, 2], x=x)
    model.graph.input[0].type.tensor_type.shape.dim[1].dim_param = "h"
    for h in (2, 6):
        f = {"x": np.random.default_rng(h).standard_normal((3, h, 5)).astype(np.float32)}
        assert_close(sl_run(model, f), ort_run(model, f))


@pytest.mark.parametrize("mode", ["edge", "wrap"])
@pytest.mark.parametrize("runtime", [(), ("pads",)])
def test_litert_runs_the_gather_graphs(mode, runtime):
    model, feeds = pad_model(mode, [0, 1, 2, 3, 0, 2, 1, 3], runtime=runtime)
    assert_close(litert_run(model, feeds), ort_run(model, feeds))


def test_unknown_mode_is_rejected():
    model, _ = pad_model("symmetric", [0, 1, 2, 3, 0, 2, 1, 3])
    with pytest.raises(sl.SigliteError, match="symmetric"):
        sl.Converter.from_onnx(model).convert_model()
