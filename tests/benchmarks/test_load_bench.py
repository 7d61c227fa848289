"""Model load time: siglite's read_model against LiteRT's Interpreter construction."""

from __future__ import annotations

import time

import numpy as np
import pytest

import siglite as sl
from siglite.format import save_model


def _model(layers: int, width: int) -> sl.Model:
    """A stack of FULLY_CONNECTED layers: ``layers * width * width * 4`` bytes of weights."""
    rng = np.random.default_rng(0)
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [-1, width])
    for i in range(layers):
        w = g.const(rng.standard_normal((width, width), dtype=np.float32), f"w{i}")
        x = g.op(
            "FULLY_CONNECTED",
            x,
            w,
            None,
            fused_activation="RELU",
            outputs=[(sl.float32, [-1, width])],
        )
    g.output(x, "y")
    mb.signature("serving_default", g)
    return mb.build()


def _best(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


@pytest.mark.benchmark
def test_load_time_against_litert(tmp_path):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    path = tmp_path / "fc_stack.tflite"
    save_model(_model(layers=50, width=512), path)  # 50 x 1 MiB of weights
    size_mb = path.stat().st_size / 2**20

    ours = _best(lambda: sl.read_model(path))
    theirs = _best(
        lambda: Interpreter(
            model_path=str(path),
            experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
        )
    )
    print(
        f"\nload {size_mb:.0f} MB model: siglite read_model {ours * 1e3:.2f} ms, "
        f"LiteRT Interpreter() {theirs * 1e3:.2f} ms, ratio siglite/LiteRT {ours / theirs:.2f}"
    )
    path.unlink()
