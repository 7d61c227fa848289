"""IF / WHILE / CALL_ONCE, resource variables and hash tables, run in siglite and in LiteRT."""

from __future__ import annotations

import numpy as np
import pytest
from runtime_models import counter_model, hashtable_model, if_model, litert, while_model

import siglite as sl


def both(model: sl.Model):
    data = sl.write_model(model)
    return sl.Interpreter(model_content=data), litert(data)


def assert_outputs_equal(ours: dict, theirs: dict) -> None:
    assert list(ours) == list(theirs)
    for k in theirs:
        want = np.asarray(theirs[k])
        assert ours[k].dtype == want.dtype and ours[k].shape == want.shape, k
        np.testing.assert_array_equal(ours[k], want)


@pytest.mark.parametrize("cond", [True, False])
@pytest.mark.parametrize("batch", [1, 3])
def test_if_matches_litert(cond, batch):
    ours, theirs = both(if_model())
    x = np.linspace(-2, 2, 2 * batch, dtype=np.float32).reshape(batch, 2)
    got = ours.get_signature_runner()(cond=np.array(cond), x=x)
    want = theirs.get_signature_runner()(cond=np.array(cond), x=x)
    assert_outputs_equal(got, want)


@pytest.mark.parametrize("n", [0, 1, 5])
def test_while_matches_litert(n):
    ours, theirs = both(while_model())
    x = np.array([1.0, -0.5, 3.0], np.float32)
    got = ours.get_signature_runner()(n=np.int32(n), x=x)
    want = theirs.get_signature_runner()(n=np.array(n, np.int32), x=x)
    assert list(got) == list(want) == ["count", "y"]
    assert got["count"] == want["count"]
    np.testing.assert_array_equal(got["y"], want["y"])


def _counter_trace(interp) -> list[int]:
    inc, read = interp.get_signature_runner("increment"), interp.get_signature_runner("read")
    trace = [read()["value"]]
    for step in (2, 3, -1):
        trace.append(inc(step=np.array(step, np.int32))["value"])
    trace.append(read()["value"])
    return [int(np.asarray(v)) for v in trace]


def test_counter_shared_by_signatures_matches_litert():
    ours, theirs = both(counter_model())
    trace = _counter_trace(ours)
    assert trace == _counter_trace(theirs)
    assert trace[0] == 10 and trace[-1] == trace[-2]  # read sees what increment assigned


def test_counter_state_is_per_interpreter():
    data = sl.write_model(counter_model())
    first = sl.Interpreter(model_content=data)
    first.get_signature_runner("increment")(step=5)
    second = sl.Interpreter(model_content=data)
    assert int(second.get_signature_runner("read")()["value"]) == 10
    assert int(first.get_signature_runner("read")()["value"]) == 15
    # reset_all_variables leaves resource variables alone, as in LiteRT
    first.reset_all_variables()
    assert int(first.get_signature_runner("read")()["value"]) == 15


def test_call_once_runs_once_per_interpreter():
    interp = sl.Interpreter(model=counter_model())
    inc = interp.get_signature_runner("increment")
    inc(step=1)
    inc(step=1)
    assert interp.resources.initialized() == {2}
    assert int(interp.get_signature_runner("read")()["value"]) == 12  # not re-initialized


def test_hashtable_matches_litert():
    ours, theirs = both(hashtable_model())
    keys = np.array([b"fig", b"banana", b"apple", b"pear"], dtype=object)
    for interp in (ours, theirs):
        interp.get_signature_runner("size")  # runner creation runs nothing
    assert_outputs_equal(
        ours.get_signature_runner("lookup")(key=keys),
        theirs.get_signature_runner("lookup")(key=keys),
    )
    assert_outputs_equal(ours.get_signature_runner("size")(), theirs.get_signature_runner("size")())


def test_hashtable_size_before_lookup_and_string_inputs():
    interp = sl.Interpreter(model=hashtable_model())
    assert interp.get_signature_runner("size")()["size"].tolist() == [3]  # zero-input signature
    lookup = interp.get_signature_runner("lookup")
    assert lookup(key=["pear", b"fig", "kiwi"])["value"].tolist() == [5, 8, -1]


def test_reading_an_unassigned_variable_raises():
    mb = sl.ModelBuilder()
    g = mb.subgraph("read")
    h = g.op("VAR_HANDLE", container="", shared_name="weights")
    g.output(g.op("READ_VARIABLE", h, outputs=[(sl.float32, [2])]), "value")
    mb.signature("read", g)
    interp = sl.Interpreter(model=mb.build())
    with pytest.raises(sl.ExecutionError) as info:
        interp.get_signature_runner("read")()
    msg = str(info.value)
    assert "'weights'" in msg and "READ_VARIABLE" in msg and "node 1" in msg and "'read'" in msg
    assert isinstance(info.value.__cause__, sl.ExecutionError)


def test_recursive_if_uses_fresh_state():
    """A subgraph that calls itself through IF (countdown) must not clobber its caller."""
    mb = sl.ModelBuilder()
    g, rec, stop = mb.subgraph("main"), mb.subgraph("rec"), mb.subgraph("stop")
    n = g.input("n", sl.int32, [])
    g.output(_countdown(g, n), "total")
    rn = rec.input("n", sl.int32, [])
    rec.output(rec.op("ADD", _countdown(rec, rec.op("SUB", rn, rec.const(np.int32(1)))), rn))
    sn = stop.input("n", sl.int32, [])
    stop.output(stop.op("MUL", sn, stop.const(np.int32(0))))
    mb.signature("serving_default", g)
    interp = sl.Interpreter(model=mb.build())
    assert int(interp.get_signature_runner()(n=np.int32(4))["total"]) == 4 + 3 + 2 + 1


def _countdown(b, n):
    positive = b.op("GREATER", n, b.const(np.int32(0)))
    return b.op(
        "IF",
        positive,
        n,
        outputs=[(sl.int32, [])],
        then_subgraph_index=1,
        else_subgraph_index=2,
    )


def test_call_once_of_its_own_subgraph_is_refused():
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    g.op("CALL_ONCE", init_subgraph_index=0)
    g.output(g.const(np.float32(1), "one"), "one")
    mb.signature("serving_default", g)
    with pytest.raises(sl.ExecutionError, match="calls itself"):
        sl.Interpreter(model=mb.build()).get_signature_runner()()
