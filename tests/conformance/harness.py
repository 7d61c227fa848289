"""Conformance harness: one-op models built with the IR, run in LiteRT and in siglite.

A :class:`Case` is data: an op, its inputs (graph inputs, :class:`Const` tensors or ``None`` for
an omitted optional input) and its attributes. :func:`check` writes the model with
``siglite.write_model``, runs it in LiteRT with the reference and the default op resolvers and in
``siglite.Interpreter``, and compares the results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

import siglite as sl

SIGNATURE = "run"
FLOAT_ATOL = 1e-6  # values near zero: a relative tolerance alone would demand exact bits

# Builtins that LiteRT's reference op resolver does not register (its default one does): these
# are compared with the default resolver only.
REF_RESOLVER_LACKS = frozenset({"ELU", "CEIL", "ROUND"})


@dataclass
class Const:
    """A constant tensor input (stored in the model) rather than a graph input."""

    value: np.ndarray


@dataclass
class Case:
    """One conformance case: ``op`` applied to ``inputs`` with ``attrs``."""

    op: str
    inputs: list[Any]
    attrs: dict[str, Any] = field(default_factory=dict)
    outputs: list[tuple[Any, tuple[int, ...]]] | None = None  # None: from the op schema
    id: str = ""
    rtol: float = 1e-5
    version: int = 1  # the op version written to the model
    # QuantParams by tensor: "in<i>" for input i (graph input or Const), "out<j>" for output j
    quantization: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.op}-{self.id}" if self.id else self.op


class Inputs:
    """Random case inputs from one seeded generator (each case module seeds its own)."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def f32(self, *shape: int, lo: float = -3.0, hi: float = 3.0) -> np.ndarray:
        return self.rng.uniform(lo, hi, shape).astype(np.float32)

    def ints(self, *shape: int, lo: int = -9, hi: int = 10, dtype: Any = np.int32) -> np.ndarray:
        return self.rng.integers(lo, hi, shape).astype(dtype)

    def bools(self, *shape: int) -> np.ndarray:
        return self.rng.random(shape) < 0.5


def _const_tensor(g: sl.SubgraphBuilder, value: Any, name: str) -> sl.Tensor:
    arr = np.asarray(value)
    dtype = sl.string if arr.dtype.kind in "OSU" else None
    return g.const(arr, name, dtype=dtype)


def build_model(case: Case) -> sl.Model:
    """A model with one subgraph running ``case.op`` and one signature ``"run"``.

    Graph inputs are named ``in0, in1 ...`` by input position, outputs ``out0, out1 ...``.
    """
    mb = sl.ModelBuilder()
    g = mb.subgraph(SIGNATURE)
    tensors: list[sl.Tensor | None] = []
    for i, value in enumerate(case.inputs):
        if value is None:
            tensors.append(None)
        elif isinstance(value, Const):
            tensors.append(_const_tensor(g, value.value, f"c{i}"))
        else:
            arr = np.asarray(value)
            dtype = sl.string if arr.dtype.kind in "OSU" else sl.dtypes.as_dtype(arr.dtype)
            tensors.append(g.input(f"in{i}", dtype, arr.shape))
        if tensors[-1] is not None:
            tensors[-1].quantization = case.quantization.get(f"in{i}")
    outs = g.op(case.op, *tensors, outputs=case.outputs, version=case.version, **case.attrs)
    for j, t in enumerate(outs if isinstance(outs, tuple) else (outs,)):
        t.quantization = case.quantization.get(f"out{j}")
        g.output(t, f"out{j}")
    mb.signature(SIGNATURE, g)
    return mb.build()


def feeds_of(case: Case) -> dict[str, np.ndarray]:
    """The graph-input values of ``case`` by signature input name."""
    return {
        f"in{i}": np.asarray(v)
        for i, v in enumerate(case.inputs)
        if v is not None and not isinstance(v, Const)
    }


def _ordered(outputs: dict[str, Any]) -> list[np.ndarray]:
    return [np.array(outputs[f"out{j}"]) for j in range(len(outputs))]


def run_litert(model_bytes: bytes, feeds: dict[str, np.ndarray], resolver: Any) -> list[np.ndarray]:
    """Run the ``"run"`` signature in LiteRT with the given ``OpResolverType``."""
    from ai_edge_litert.interpreter import Interpreter

    interp = Interpreter(model_content=model_bytes, experimental_op_resolver_type=resolver)
    return _ordered(interp.get_signature_runner(SIGNATURE)(**feeds))


def run_siglite(model_bytes: bytes, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    """Run the ``"run"`` signature in ``siglite.Interpreter``."""
    interp = sl.Interpreter(model_content=model_bytes)
    return _ordered(interp.get_signature_runner(SIGNATURE)(**feeds))


def assert_same(got: list[np.ndarray], want: list[np.ndarray], rtol: float, what: str) -> None:
    """Equal shapes and dtypes; floats within ``rtol`` (and a tiny atol), the rest exact."""
    assert len(got) == len(want), f"{what}: {len(got)} outputs, expected {len(want)}"
    for j, (g, w) in enumerate(zip(got, want, strict=True)):
        label = f"{what}: output {j}"
        assert g.shape == w.shape, f"{label}: shape {g.shape}, expected {w.shape}"
        assert g.dtype == w.dtype, f"{label}: dtype {g.dtype}, expected {w.dtype}"
        if w.dtype.kind in "fc":
            np.testing.assert_allclose(g, w, rtol=rtol, atol=FLOAT_ATOL, err_msg=label)
        else:
            np.testing.assert_array_equal(g, w, err_msg=label)


def assert_declared(model: sl.Model, want: list[np.ndarray], what: str) -> None:
    """The model's output types (from the op schema) agree with what LiteRT computed."""
    for j, (t, w) in enumerate(zip(model.subgraphs[0].outputs, want, strict=True)):
        shape = t.signature_shape
        ok = len(shape) == w.ndim and all(d in (-1, a) for d, a in zip(shape, w.shape, strict=True))
        assert ok, f"{what}: output {j} declared {list(shape)}, LiteRT gives {list(w.shape)}"
        assert t.dtype.numpy == w.dtype, f"{what}: output {j} declared {t.dtype}, got {w.dtype}"


def check(case: Case) -> None:
    """Build, write and run ``case`` in LiteRT (reference and default kernels) and siglite."""
    from ai_edge_litert.interpreter import OpResolverType

    model = build_model(case)
    data = sl.write_model(model)
    feeds = feeds_of(case)
    got = run_siglite(data, feeds)
    resolvers = [OpResolverType.AUTO]
    if case.op not in REF_RESOLVER_LACKS:
        resolvers.insert(0, OpResolverType.BUILTIN_REF)
    for resolver in resolvers:
        want = run_litert(data, feeds, resolver)
        assert_same(got, want, case.rtol, f"{case.name} vs LiteRT {resolver.name}")
    assert_declared(model, want, f"{case.name} schema")
