"""The arena planner: memory sharing, re-planning on new shapes, preserved intermediates."""

from __future__ import annotations

import numpy as np
import pytest
from runtime_models import LiteRT, chain_model

import siglite as sl
from siglite.ops import register_op
from siglite.ops.registry import CUSTOM, OpSchema
from siglite.runtime.arena import Allocation, plan_offsets

OpResolverType = pytest.importorskip("ai_edge_litert.interpreter").OpResolverType

# A shape rule that is wrong on purpose: the kernel returns twice as many rows.
register_op(
    OpSchema(
        "TestGrowRows",
        opset=CUSTOM,
        infer=lambda ins, attrs: [(ins[0].dtype, ins[0].signature_shape)],
        doc="test op: repeats its input's rows",
    )
)


class GrowDelegate(sl.Delegate):
    """A private delegate with the TestGrowRows kernel."""

    name = "test-grow"

    def __init__(self) -> None:
        table = sl.KernelTable(self.name)
        table.add("TestGrowRows", lambda x: np.concatenate([x, x]))
        super().__init__(table)


def test_chain_shares_memory():
    interp = sl.Interpreter(model=chain_model(length=6, width=64))
    x = np.ones((2, 64), np.float32)
    out = interp.get_signature_runner()(x=x)
    np.testing.assert_array_equal(out["y"], x * 2**6)
    plan = interp.memory_plan()["subgraphs"][0]
    assert plan["planned_bytes"] == 7 * 2 * 64 * 4  # input + six intermediates
    assert plan["arena_bytes"] < plan["planned_bytes"]
    assert plan["arena_bytes"] == interp.arena_bytes(0) == interp.arena_bytes()
    assert plan["dynamic_tensors"] == []


def test_preserve_all_tensors_keeps_intermediates_like_litert():
    model = chain_model(length=4, width=8)
    data = sl.write_model(model)
    x = np.arange(16, dtype=np.float32).reshape(2, 8)
    ours = sl.Interpreter(model_content=data, experimental_preserve_all_tensors=True)
    theirs = LiteRT(
        model_content=data,
        experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
        experimental_preserve_all_tensors=True,
    )
    for interp in (ours, theirs):
        interp.resize_tensor_input(0, [2, 8])
        interp.allocate_tensors()
        interp.set_tensor(0, x)
        interp.invoke()
    for d in theirs.get_tensor_details():
        np.testing.assert_array_equal(ours.get_tensor(d["index"]), theirs.get_tensor(d["index"]))
    plan = ours.memory_plan()["subgraphs"][0]
    assert plan["arena_bytes"] >= plan["planned_bytes"]  # nothing shared


def test_replans_only_when_an_input_shape_changes():
    interp = sl.Interpreter(model=chain_model(length=3, width=4))
    run = interp.get_signature_runner()
    run(x=np.ones((1, 4), np.float32))
    run(x=np.zeros((1, 4), np.float32))
    assert interp.plans_built == 1
    run(x=np.ones((3, 4), np.float32))
    assert interp.plans_built == 2
    run(x=np.ones((1, 4), np.float32))  # a shape seen before reuses its plan
    interp.allocate_tensors()
    assert interp.plans_built == 2
    assert interp.memory_plan()["subgraphs"][0]["input_shapes"] == [(1, 4)]


def test_result_with_unplanned_shape_is_kept_dynamic():
    """A kernel whose result differs from the inferred shape is not forced into the arena."""
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [2, 3])
    y = g.op("TestGrowRows", x)
    g.output(g.op("ADD", y, y), "y")
    mb.signature("serving_default", g)
    interp = sl.Interpreter(model=mb.build(), delegates=[GrowDelegate()])
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    for _ in range(2):
        out = interp.get_signature_runner()(x=x)["y"]
        np.testing.assert_array_equal(out, 2 * np.concatenate([x, x]))
    assert interp.memory_plan()["subgraphs"][0]["arena_tensors"] == [0, 1, 2]


@pytest.mark.parametrize("seed", range(5))
def test_offsets_never_overlap_live_tensors(seed):
    rng = np.random.default_rng(seed)
    reqs = []
    for key in range(40):
        first = int(rng.integers(0, 30))
        reqs.append(
            Allocation(key, int(rng.integers(0, 5000)), first, first + int(rng.integers(0, 8)))
        )
    offsets, total = plan_offsets(reqs)
    for a in reqs:
        assert offsets[a.key] % 64 == 0 and offsets[a.key] + a.nbytes <= total
        for b in reqs:
            live = not (a.last < b.first or b.last < a.first)
            if a.key < b.key and live and a.nbytes and b.nbytes:
                a0, b0 = offsets[a.key], offsets[b.key]
                assert a0 + a.nbytes <= b0 or b0 + b.nbytes <= a0
    assert total < sum(-(-max(r.nbytes, 1) // 64) * 64 for r in reqs)
