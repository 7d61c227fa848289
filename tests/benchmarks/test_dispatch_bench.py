"""Dispatch overhead and small-model latency: siglite's numpy delegate vs LiteRT, same bytes.

Prints per-op overhead of a 1000-node ADD chain and the latency ratio of an MLP and a small
CNN. Nothing here asserts on speed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest

import siglite as sl

pytestmark = pytest.mark.benchmark

RNG = np.random.default_rng(7)


def _best_of(fn: Callable[[], object], budget_s: float = 1.5, rounds: int = 5) -> float:
    """Seconds per call: the best of ``rounds`` batches, sized to fit ``budget_s`` overall."""
    fn()  # warm up (first call plans memory)
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-6)
    per_round = max(1, int(budget_s / rounds / once))
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(per_round):
            fn()
        best = min(best, (time.perf_counter() - start) / per_round)
    return best


def _runners(model: sl.Model, feeds: dict[str, np.ndarray]):
    from ai_edge_litert.interpreter import Interpreter

    data = sl.write_model(model)
    ours = sl.Interpreter(model_content=data).get_signature_runner("run")
    theirs = Interpreter(model_content=data).get_signature_runner("run")
    np.testing.assert_allclose(ours(**feeds)["y"], theirs(**feeds)["y"], rtol=1e-4, atol=1e-5)
    return (lambda: ours(**feeds)), (lambda: theirs(**feeds))


def _report(label: str, ours: float, theirs: float, nodes: int | None = None) -> None:
    line = f"\n{label}: siglite {ours * 1e3:.3f} ms, LiteRT {theirs * 1e3:.3f} ms"
    line += f", ratio siglite/LiteRT {ours / theirs:.1f}x"
    if nodes:
        line += f", per-op overhead siglite {ours / nodes * 1e6:.2f} us"
        line += f" vs LiteRT {theirs / nodes * 1e6:.2f} us"
    print(line)


def _add_chain(n: int) -> sl.Model:
    mb = sl.ModelBuilder()
    g = mb.subgraph("run")
    x = g.input("x", sl.float32, (1, 4))
    c = g.const(np.full((1, 4), 0.5, np.float32), "c")
    y = x
    for _ in range(n):
        y = g.op("ADD", y, c)
    g.output(y, "y")
    mb.signature("run", g)
    return mb.build()


def test_add_chain_dispatch_overhead():
    n = 1000
    feeds = {"x": RNG.standard_normal((1, 4)).astype(np.float32)}
    ours, theirs = _runners(_add_chain(n), feeds)
    _report(f"ADD chain x{n}", _best_of(ours), _best_of(theirs), nodes=n)


def _dense(g, x, n_in: int, n_out: int, act: str):
    w = g.const(RNG.standard_normal((n_out, n_in)).astype(np.float32) * 0.05, "w")
    b = g.const(RNG.standard_normal(n_out).astype(np.float32) * 0.05, "b")
    return g.op("FULLY_CONNECTED", x, w, b, fused_activation=act)


def test_mlp_latency():
    mb = sl.ModelBuilder()
    g = mb.subgraph("run")
    x = g.input("x", sl.float32, (8, 256))
    h = _dense(g, x, 256, 512, "RELU")
    h = _dense(g, h, 512, 512, "RELU")
    g.output(_dense(g, h, 512, 10, "NONE"), "y")
    mb.signature("run", g)
    feeds = {"x": RNG.standard_normal((8, 256)).astype(np.float32)}
    ours, theirs = _runners(mb.build(), feeds)
    _report("MLP 256-512-512-10, batch 8", _best_of(ours), _best_of(theirs))


def _conv(g, x, c_in: int, c_out: int):
    w = g.const(RNG.standard_normal((c_out, 3, 3, c_in)).astype(np.float32) * 0.1, "w")
    b = g.const(np.zeros(c_out, np.float32), "b")
    return g.op("CONV_2D", x, w, b, padding="SAME", stride_h=1, stride_w=1, fused_activation="RELU")


def test_small_cnn_latency():
    mb = sl.ModelBuilder()
    g = mb.subgraph("run")
    x = g.input("x", sl.float32, (1, 32, 32, 3))
    h = _conv(g, x, 3, 16)
    pool = {"padding": "VALID", "stride_h": 2, "stride_w": 2}
    h = g.op("MAX_POOL_2D", h, filter_height=2, filter_width=2, **pool)
    h = _conv(g, h, 16, 32)
    h = g.op("MEAN", h, g.const(np.array([1, 2], np.int32), "axes"), keep_dims=False)
    g.output(_dense(g, h, 32, 10, "NONE"), "y")
    mb.signature("run", g)
    feeds = {"x": RNG.standard_normal((1, 32, 32, 3)).astype(np.float32)}
    ours, theirs = _runners(mb.build(), feeds)
    _report("CNN conv16-pool-conv32-mean-fc10, 32x32x3", _best_of(ours), _best_of(theirs))
