"""Builders of small quantized models (siglite IR) and a runner comparing siglite with LiteRT.

Shared by the integer kernel tests and the delegate tests (``tests/delegates/conftest.py``
puts this directory on the import path).
"""

from __future__ import annotations

import os

import numpy as np

import siglite as sl
from siglite.ir import QuantParams

# SIGLITE_TEST_SEED reruns the randomized cases with other data.
RNG = np.random.default_rng(int(os.environ.get("SIGLITE_TEST_SEED", "7")))


def qp(scale, zero_point=0, axis=0) -> QuantParams:
    """Quantization parameters (per channel when ``scale`` is a sequence)."""
    scales = np.atleast_1d(np.asarray(scale, np.float32))
    zps = np.broadcast_to(np.asarray(zero_point, np.int64), scales.shape).copy()
    return QuantParams(scales, zps, quantized_dimension=axis)


def rand_int(shape, dtype="int8", low=None, high=None):
    info = np.iinfo(np.dtype(dtype))
    low = info.min if low is None else low
    high = info.max if high is None else high
    return RNG.integers(low, high + 1, size=shape).astype(dtype)


class QBuilder:
    """A one-signature model under construction; every tensor carries quantization."""

    def __init__(self) -> None:
        self.mb = sl.ModelBuilder()
        self.g = self.mb.subgraph("main")

    def input(self, name, shape, scale, zp, dtype="int8"):
        return self.g.input(name, dtype, shape, quantization=qp(scale, zp))

    def weights(self, shape, scales, axis=0, dtype="int8", zp=0):
        data = rand_int(shape, dtype, -127 if dtype == "int8" else 0)
        return self.g.const(data, "w", dtype, quantization=qp(scales, zp, axis))

    def bias(self, in_scale, w_scales, channels):
        scales = np.float32(in_scale) * np.broadcast_to(np.float32(w_scales), (channels,))
        data = RNG.integers(-3000, 3000, size=channels).astype(np.int32)
        return self.g.const(data, "b", "int32", quantization=qp(scales, 0))

    def op(self, op, *inputs, scale, zp, dtype=None, version=1, outputs=None, **attrs):
        out = self.g.op(op, *inputs, version=version, outputs=outputs, **attrs)
        if dtype is not None:
            out.dtype = sl.dtypes.as_dtype(dtype)
        out.quantization = qp(scale, zp)
        return out

    def build(self, *outputs) -> bytes:
        for i, t in enumerate(outputs):
            self.g.output(t, f"out{i}")
        self.mb.signature("serving_default", self.g)
        return sl.write_model(self.mb.build())


def run_siglite(content: bytes, feeds: dict, **kw) -> dict:
    interp = sl.Interpreter(model_content=content, **kw)
    return interp.get_signature_runner("serving_default")(**feeds)


def run_litert(content: bytes, feeds: dict, reference: bool = True) -> dict:
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    kind = OpResolverType.BUILTIN_REF if reference else OpResolverType.BUILTIN
    interp = Interpreter(model_content=content, experimental_op_resolver_type=kind)
    return interp.get_signature_runner("serving_default")(**feeds)


class FakeDeviceArray(np.ndarray):
    """An array in the stand-in device's memory (numpy underneath)."""

    __siglite_device_array__ = True


class FakeCupy:
    """A stand-in for the ``cupy`` module: numpy with a distinct array class and counted
    host<->device copies (``uploads`` / ``downloads`` hold the copied shapes)."""

    ndarray = FakeDeviceArray

    def __init__(self) -> None:
        self.uploads: list[tuple] = []
        self.downloads: list[tuple] = []

    def asarray(self, a):
        if isinstance(a, FakeDeviceArray):
            return a
        self.uploads.append(np.shape(a))
        return np.array(a).view(FakeDeviceArray)

    def asnumpy(self, a):
        self.downloads.append(np.shape(a))
        return np.array(a).view(np.ndarray)

    def __getattr__(self, name):
        return getattr(np, name)
