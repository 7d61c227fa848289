"""Partitioning: delegates claim nodes in priority order, partitions keep the graph acyclic,
the rest falls back to numpy; placement, border copies, strict mode, prepare rollback.

The oracle for every result is the same model run on the numpy delegate alone.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pytest

import siglite as sl
from siglite.delegate import Kernel


class DeviceArray(np.ndarray):
    """Marks arrays as living in the test delegate's (simulated) device memory."""

    __siglite_device_array__ = True


class PickyDelegate(sl.Delegate):
    """A device delegate computing with the numpy kernels, refusing some ops, counting its
    host<->device copies."""

    name = "picky"
    on_device = True

    def __init__(self, refuse=("TANH",), fail_prepare=False, max_partitions=None) -> None:
        super().__init__(sl.load_delegate("numpy").kernels)
        self.refuse, self.fail_prepare, self.max_partitions = refuse, fail_prepare, max_partitions
        self.uploads: list[tuple] = []
        self.downloads: list[tuple] = []
        self.prepared: list[list[int]] = []

    def supports(self, node, subgraph=None):
        if node.op in self.refuse:
            return f"{node.op} is not supported by this device"
        return super().supports(node, subgraph)

    def kernel_for(self, node):
        k = super().kernel_for(node)
        if k is None:
            return None

        @functools.wraps(k.fn)
        def on_device(*args, **kw):  # results stay in device memory
            out = k.fn(*args, **kw)
            assert all(isinstance(a, DeviceArray) for a in args if isinstance(a, np.ndarray))
            return out.view(DeviceArray)

        return Kernel(k.op, on_device, k.context, k.dtypes)

    def to_device(self, a):
        self.uploads.append(np.shape(a))
        return np.array(a).view(DeviceArray)

    def to_host(self, a):
        self.downloads.append(np.shape(a))
        return np.array(a).view(np.ndarray)

    def prepare(self, partition):
        if self.fail_prepare:
            raise MemoryError("out of device memory")
        self.prepared.append(list(partition.nodes))

    def select_partitions(self, partitions, subgraph):
        if self.max_partitions is None:
            return partitions, {}
        ranked = sorted(partitions, key=len, reverse=True)
        kept, dropped = ranked[: self.max_partitions], ranked[self.max_partitions :]
        return kept, {i: "partition limit reached" for p in dropped for i in p}


def branchy_model() -> sl.Model:
    """y = sigmoid(tanh(x + 1) + x * 2); node 1 (TANH) sits between two branches."""
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [2, 8])
    a = g.op("ADD", x, g.const(np.ones((1, 8), np.float32), "one"), name="a")
    b = g.op("TANH", a, name="b")
    c = g.op("MUL", x, g.const(np.full((1, 8), 2, np.float32), "two"), name="c")
    d = g.op("ADD", b, c, name="d")
    g.output(g.op("LOGISTIC", d, name="y"), "y")
    mb.signature("serving_default", g)
    return mb.build()


X = np.linspace(-2, 2, 16, dtype=np.float32).reshape(2, 8)


def numpy_result(model):
    return sl.Interpreter(model=model).get_signature_runner()(x=X)["y"]


def test_partitions_keep_the_graph_acyclic_and_results_match_numpy():
    model = branchy_model()
    picky = PickyDelegate()
    interp = sl.Interpreter(model=model, experimental_delegates=[picky])
    p = interp.get_placement()
    # the two claimed branches join before TANH; the nodes after it form a second partition
    assert p.partitions == [("picky", [0, 2]), ("numpy", [1]), ("picky", [3, 4])]
    assert p.nodes == [(0, "ADD", "picky"), (1, "TANH", "numpy"), (2, "MUL", "picky"),
                       (3, "ADD", "picky"), (4, "LOGISTIC", "picky")]  # fmt: skip
    assert "TANH is not supported" in p.why(1)
    np.testing.assert_allclose(interp.get_signature_runner()(x=X)["y"], numpy_result(model))
    assert picky.prepared == [[0, 2], [3, 4]]


def test_copies_happen_only_at_partition_borders():
    picky = PickyDelegate()
    interp = sl.Interpreter(model=branchy_model(), experimental_delegates=[picky])
    p = interp.get_placement()
    copies = {(c.tensor, c.direction) for c in p.copies}
    # c (x * 2) goes from one picky partition to the other without visiting the host
    assert copies == {("x", "host->device"), ("a", "device->host"), ("b", "host->device"),
                      ("y", "device->host")}  # fmt: skip
    runner = interp.get_signature_runner()
    runner(x=X)
    picky.uploads.clear(), picky.downloads.clear()
    runner(x=X)
    assert len(picky.uploads) == 2 and len(picky.downloads) == 2  # weights stay uploaded
    text = str(p)
    assert "partition 1: numpy [TANH#1]" in text and "copy %a device->host (picky)" in text
    assert "picky: 4 of 5 nodes mapped, 2 partitions; on CPU: TANH #1" in p.report


def test_device_inputs_and_outputs_skip_the_host():
    picky = PickyDelegate(refuse=())
    picky.device_outputs = True
    interp = sl.Interpreter(model=branchy_model(), experimental_delegates=[picky])
    assert interp.get_placement().partitions == [("picky", [0, 1, 2, 3, 4])]
    out = interp.get_signature_runner()(x=X.view(DeviceArray))["y"]
    assert isinstance(out, DeviceArray)
    assert picky.downloads == [] and picky.uploads == [(1, 8), (1, 8)]  # only the weights
    np.testing.assert_allclose(np.asarray(out), numpy_result(branchy_model()), rtol=1e-6)


def test_strict_refuses_fallback_and_names_the_node():
    with pytest.raises(sl.DelegateError) as info:
        sl.Interpreter(model=branchy_model(), experimental_delegates=[PickyDelegate()], strict=True)
    msg = str(info.value)
    assert "node 1 (TANH)" in msg and "TANH is not supported" in msg and "numpy" in msg
    # nothing falls back: strict is satisfied
    interp = sl.Interpreter(
        model=branchy_model(), experimental_delegates=[PickyDelegate(refuse=())], strict=True
    )
    assert interp.get_placement().counts() == {"picky": 5}


def test_failed_prepare_rolls_back_to_cpu_with_a_warning():
    picky = PickyDelegate(fail_prepare=True)
    with pytest.warns(RuntimeWarning, match="picky.*failed to prepare.*out of device memory"):
        interp = sl.Interpreter(model=branchy_model(), experimental_delegates=[picky])
        p = interp.get_placement()
    assert p.counts() == {"numpy": 5}
    assert "prepare failed" in p.why(0)
    y = interp.get_signature_runner()(x=X)["y"]
    np.testing.assert_allclose(y, numpy_result(branchy_model()))


def test_select_partitions_limits_what_a_delegate_keeps():
    picky = PickyDelegate(max_partitions=1)
    interp = sl.Interpreter(model=branchy_model(), experimental_delegates=[picky])
    p = interp.get_placement()
    assert [d for d, _ in p.partitions].count("picky") == 1
    assert p.why(3) == "picky: partition limit reached" or p.why(0) == (
        "picky: partition limit reached"
    )
    np.testing.assert_allclose(
        interp.get_signature_runner()(x=X)["y"], numpy_result(branchy_model())
    )


def test_delegates_by_name_through_the_registry():
    from siglite.plugins import registry

    registry().delegates["test-picky"] = lambda **options: PickyDelegate(**options)
    try:
        interp = sl.Interpreter(model=branchy_model(), delegates=["test-picky", "numpy"])
        assert [d.name for d in interp.delegates] == ["picky", "numpy"]
        assert interp.get_placement().counts() == {"picky": 4, "numpy": 1}
        custom = sl.load_delegate("test-picky", {"refuse": ("MUL",)})
        interp = sl.Interpreter(model=branchy_model(), experimental_delegates=[custom])
        assert interp.get_placement().counts() == {"picky": 4, "numpy": 1}
        assert interp.get_placement().nodes[2] == (2, "MUL", "numpy")
    finally:
        del registry().delegates["test-picky"]


def test_model_wide_placement_and_numpy_only():
    interp = sl.Interpreter(model=branchy_model())
    p = interp.get_placement("serving_default")
    assert p.partitions == [("numpy", [0, 1, 2, 3, 4])] and p.copies == []
    assert p.fallback_nodes() == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert interp.placement().partitions(0) == [("numpy", [0, 1, 2, 3, 4])]
    with pytest.raises(sl.SignatureError):
        interp.get_placement("nope")
