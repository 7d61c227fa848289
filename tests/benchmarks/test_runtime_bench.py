"""Runtime speed: per-call overhead against LiteRT, and single CNN layers against torch eager.

Each layer runs as a one-node siglite model through a signature runner (so the timing includes
input checks, the plan walk and the output copy) and as the matching torch op on NCHW tensors.
Timings are medians of repeated calls measured in this run; nothing here asserts on speed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import siglite as sl

pytestmark = pytest.mark.benchmark

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RNG = np.random.default_rng(11)


def _median(fn: Callable[[], object], budget_s: float = 0.3, at_most: int = 2000) -> float:
    """Median seconds per call over repeated small batches within ``budget_s``."""
    fn()  # warm up: the first call binds kernels and plans memory
    start = time.perf_counter()
    fn()
    batch = max(1, int(1e-3 / max(time.perf_counter() - start, 1e-7)))
    times: list[float] = []
    deadline = time.perf_counter() + budget_s
    while len(times) < 7 or (time.perf_counter() < deadline and len(times) * batch < at_most):
        start = time.perf_counter()
        for _ in range(batch):
            fn()
        times.append((time.perf_counter() - start) / batch)
    return float(np.median(times))


def test_per_call_overhead_vs_litert():
    from ai_edge_litert.interpreter import Interpreter

    path = str(FIXTURES / "seed_keras_sequential.tflite")
    x = np.load(FIXTURES / "seed_keras_sequential.npz", allow_pickle=False)[
        "serving_default/in/x_input"
    ]
    ours = sl.Interpreter(model_path=path).get_signature_runner()
    theirs = Interpreter(model_path=path).get_signature_runner()
    np.testing.assert_allclose(
        ours(x_input=x)["output_0"], theirs(x_input=x)["output_0"], rtol=1e-5, atol=1e-6
    )
    a = _median(lambda: ours(x_input=x))
    b = _median(lambda: theirs(x_input=x))
    print(
        f"\nper call, Keras Sequential fixture (2 FULLY_CONNECTED, batch {len(x)}): "
        f"siglite {a * 1e6:.1f} us, LiteRT {b * 1e6:.1f} us, ratio {a / b:.1f}x"
    )
    lists = x.tolist()
    c = _median(lambda: ours(x_input=lists))
    print(f"  siglite with a nested-list input: {c * 1e6:.1f} us")


def _one_op_runner(op: str, x_shape, consts: list, attrs: dict):
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, list(x_shape))
    inputs = [None if c is None else g.const(c, f"c{i}") for i, c in enumerate(consts)]
    if op == "TRANSPOSE_CONV":  # (output_shape, filter, x, bias)
        inputs = [inputs[0], inputs[1], x, inputs[2]]
    else:
        inputs = [x, *inputs]
    g.output(g.op(op, *inputs, **attrs), "y")
    mb.signature("serving_default", g)
    return sl.Interpreter(model=mb.build()).get_signature_runner()


def _rand(*shape: int, scale: float = 1.0) -> np.ndarray:
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def _conv_layer(torch, n, hw, c, o, k, s):
    F = torch.nn.functional
    w, b = _rand(o, k, k, c, scale=0.1), _rand(o)
    tw, tb = torch.from_numpy(w.transpose(0, 3, 1, 2).copy()), torch.from_numpy(b)
    pad = k // 2 if s == 1 else 0
    attrs = dict(padding="SAME" if s == 1 else "VALID", stride_h=s, stride_w=s)

    def ref(t):
        return F.relu(F.conv2d(t, tw, tb, s, pad))

    label = f"CONV_2D {k}x{k}/{s} {hw}x{hw}x{c}->{o}"
    return label, "CONV_2D", (n, hw, hw, c), [w, b], {**attrs, "fused_activation": "RELU"}, ref


def _depthwise_layer(torch, hw, c):
    F = torch.nn.functional
    w, b = _rand(1, 3, 3, c), _rand(c)
    tw, tb = torch.from_numpy(w[0].transpose(2, 0, 1)[:, None].copy()), torch.from_numpy(b)
    attrs = dict(padding="SAME", stride_h=1, stride_w=1, depth_multiplier=1)

    def ref(t):
        return F.conv2d(t, tw, tb, 1, 1, groups=c).clamp(0, 6)

    label = f"DEPTHWISE_CONV_2D 3x3 {hw}x{hw}x{c}"
    return (
        label,
        "DEPTHWISE_CONV_2D",
        (1, hw, hw, c),
        [w, b],
        {**attrs, "fused_activation": "RELU6"},
        ref,
    )


def _other_layers(torch):
    F = torch.nn.functional
    w = _rand(32, 3, 3, 64, scale=0.1)
    tw = torch.from_numpy(w.transpose(3, 0, 1, 2).copy())

    def tconv(t):  # TFLite's SAME puts the odd padding element after: crop the end only
        return F.conv_transpose2d(t, tw, None, 2)[:, :, :32, :32]

    def pool(t):
        return F.max_pool2d(t, 2, 2)

    shape = np.array([1, 32, 32, 32], np.int32)
    yield ("TRANSPOSE_CONV 3x3/2 16x16x64->32", "TRANSPOSE_CONV", (1, 16, 16, 64),
           [shape, w, None], dict(padding="SAME", stride_h=2, stride_w=2), tconv)  # fmt: skip
    yield ("MAX_POOL_2D 2x2/2 56x56x64", "MAX_POOL_2D", (1, 56, 56, 64), [],
           dict(padding="VALID", stride_h=2, stride_w=2, filter_height=2, filter_width=2),
           pool)  # fmt: skip


def _layers(torch):
    """(label, op, x shape, constants, attrs, the torch function of an NCHW tensor)."""
    convs = [(1, 8, 256, 256, 3, 1), (1, 14, 128, 128, 3, 1), (1, 32, 3, 16, 3, 1),
             (1, 56, 64, 128, 3, 2), (1, 28, 128, 256, 1, 1)]  # fmt: skip
    yield from (_conv_layer(torch, *args) for args in convs)
    yield from (_depthwise_layer(torch, hw, c) for hw, c in [(56, 128), (14, 512)])
    yield from _other_layers(torch)


def test_cnn_layers_vs_torch():
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # on a busy machine, waits for a second thread swamp small layers
    try:
        blas = os.environ.get("OPENBLAS_NUM_THREADS", "its default")
        print(f"\nsingle layers, siglite signature runner vs torch eager (1 torch thread; "
              f"OPENBLAS_NUM_THREADS={blas})")  # fmt: skip
        print(f"{'layer':<36} {'siglite ms':>10} {'torch ms':>9} {'ratio':>7}")
        for row in _layers(torch):
            _time_layer(torch, *row)
    finally:
        torch.set_num_threads(threads)


def _time_layer(torch, label, op, shape, consts, attrs, torch_fn) -> None:
    run = _one_op_runner(op, shape, consts, attrs)
    x = _rand(*shape)
    t = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
    with torch.no_grad():
        want = torch_fn(t).permute(0, 2, 3, 1).numpy()
        np.testing.assert_allclose(run(x=x)["y"], want, rtol=1e-4, atol=1e-4)
        ours = _median(lambda: run(x=x), budget_s=0.25)
        theirs = _median(lambda: torch_fn(t), budget_s=0.25)
    print(f"{label:<36} {ours * 1e3:10.3f} {theirs * 1e3:9.3f} {ours / theirs:6.2f}x")
