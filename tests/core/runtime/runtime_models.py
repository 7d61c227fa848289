"""Models and helpers shared by the runtime tests (built with siglite's ModelBuilder)."""

from __future__ import annotations

import numpy as np
import pytest

import siglite as sl
from siglite.ops import register_op
from siglite.ops.registry import CUSTOM, OpSchema

try:
    from ai_edge_litert.interpreter import Interpreter as LiteRT
    from ai_edge_litert.interpreter import OpResolverType
except ImportError:  # pragma: no cover - the oracle is a test dependency
    LiteRT = None


def litert(content: bytes):
    """LiteRT on ``content`` without the default XNNPACK delegate."""
    if LiteRT is None:
        pytest.skip("ai-edge-litert is not installed")
    return LiteRT(
        model_content=content,
        experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )


def if_model() -> sl.Model:
    """main(cond: bool[], x: f32[-1,2]) = IF(cond, then: x + x, else: x * x)."""
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    then_g, else_g = mb.subgraph("then"), mb.subgraph("else")
    cond = g.input("cond", sl.bool_, [])
    x = g.input("x", sl.float32, [-1, 2])
    y = g.op(
        "IF", cond, x, outputs=[(sl.float32, [-1, 2])], then_subgraph_index=1, else_subgraph_index=2
    )
    g.output(y, "y")
    tx = then_g.input("x", sl.float32, [-1, 2])
    then_g.output(then_g.op("ADD", tx, tx), "y")
    ex = else_g.input("x", sl.float32, [-1, 2])
    else_g.output(else_g.op("MUL", ex, ex), "y")
    mb.signature("serving_default", g)
    return mb.build()


def while_model() -> sl.Model:
    """main(n: i32[], x: f32[3]): while i < n: i += 1; x = x * 2 + 1; returns (i, x)."""
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    cond_g, body_g = mb.subgraph("cond"), mb.subgraph("body")
    n = g.input("n", sl.int32, [])
    x = g.input("x", sl.float32, [3])
    i0 = g.const(np.int32(0), "i0")
    i, n_out, y = g.op("WHILE", i0, n, x, cond_subgraph_index=1, body_subgraph_index=2)
    g.output(i, "count")
    g.output(y, "y")
    ci, cn, _ = (cond_g.input(k, dt, s) for k, dt, s in _loop_vars())
    cond_g.output(cond_g.op("LESS", ci, cn), "go")
    bi, bn, bx = (body_g.input(k, dt, s) for k, dt, s in _loop_vars())
    one_i = body_g.const(np.int32(1), "one_i")
    two, one = body_g.const(np.float32(2), "two"), body_g.const(np.float32(1), "one")
    body_g.output(body_g.op("ADD", bi, one_i), "i")
    body_g.output(bn, "n")
    body_g.output(body_g.op("ADD", body_g.op("MUL", bx, two), one), "x")
    mb.signature("serving_default", g)
    return mb.build()


def _loop_vars():
    return [("i", sl.int32, []), ("n", sl.int32, []), ("x", sl.float32, [3])]


def counter_model() -> sl.Model:
    """Signatures ``increment(step) -> value`` and ``read() -> value`` sharing variable
    ``counter``, initialized to 10 by a CALL_ONCE initializer (subgraph 2)."""
    mb = sl.ModelBuilder()
    inc, read, init = mb.subgraph("increment"), mb.subgraph("read"), mb.subgraph("init")
    step = inc.input("step", sl.int32, [])
    inc.op("CALL_ONCE", init_subgraph_index=2)
    h = inc.op("VAR_HANDLE", container="", shared_name="counter")
    v = inc.op("READ_VARIABLE", h, outputs=[(sl.int32, [])])
    total = inc.op("ADD", v, step)
    inc.op("ASSIGN_VARIABLE", h, total)
    inc.output(total, "value")
    read.op("CALL_ONCE", init_subgraph_index=2)
    rh = read.op("VAR_HANDLE", container="", shared_name="counter")
    read.output(read.op("READ_VARIABLE", rh, outputs=[(sl.int32, [])]), "value")
    ih = init.op("VAR_HANDLE", container="", shared_name="counter")
    init.op("ASSIGN_VARIABLE", ih, init.const(np.int32(10), "start"))
    mb.signature("increment", inc)
    mb.signature("read", read)
    return mb.build()


def hashtable_model() -> sl.Model:
    """``lookup(key: string[-1]) -> int64[-1]`` and ``size() -> int64[1]`` on one table
    filled by a CALL_ONCE initializer (subgraph 2)."""
    mb = sl.ModelBuilder()
    look, size, init = mb.subgraph("lookup"), mb.subgraph("size"), mb.subgraph("init")
    opts = {"table_id": 7, "key_dtype": "STRING", "value_dtype": "INT64"}
    key = look.input("key", sl.string, [-1])
    look.op("CALL_ONCE", init_subgraph_index=2)
    h = look.op("HASHTABLE", **opts)
    dflt = look.const(np.int64(-1), "default")
    look.output(look.op("HASHTABLE_FIND", h, key, dflt), "value")
    size.op("CALL_ONCE", init_subgraph_index=2)
    sh = size.op("HASHTABLE", **opts)
    size.output(size.op("HASHTABLE_SIZE", sh), "size")
    ih = init.op("HASHTABLE", **opts)
    keys = init.const(["apple", "pear", "fig"], "keys", dtype=sl.string)
    values = init.const(np.array([3, 5, 8], np.int64), "values")
    init.op("HASHTABLE_IMPORT", ih, keys, values)
    mb.signature("lookup", look)
    mb.signature("size", size)
    return mb.build()


def chain_model(length: int = 6, width: int = 64) -> sl.Model:
    """x -> ADD(x, x) -> ADD(., .) -> ... : every intermediate is ``[-1, width]`` float32."""
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    t = g.input("x", sl.float32, [-1, width])
    for _ in range(length):
        t = g.op("ADD", t, t)
    g.output(t, "y")
    mb.signature("serving_default", g)
    return mb.build()


def two_signature_model() -> sl.Model:
    """``double(x: f32[-1,4]) = x + x`` and ``square(x: f32[-1,4]) = x * x``."""
    mb = sl.ModelBuilder()
    for key, op in (("double", "ADD"), ("square", "MUL")):
        g = mb.subgraph(key)
        x = g.input("x", sl.float32, [-1, 4])
        g.output(g.op(op, x, x), "y")
        mb.signature(key, g)
    return mb.build()


BOOM = register_op(OpSchema("TestBoom", opset=CUSTOM, doc="test op whose kernel raises"))


class BoomDelegate(sl.Delegate):
    """A private delegate with one kernel that always fails."""

    name = "test-boom"

    def __init__(self) -> None:
        table = sl.KernelTable(self.name)

        @table.register("TestBoom")
        def boom(x):
            raise ArithmeticError("boom on purpose")

        super().__init__(table)


def custom_op_model(op: str) -> sl.Model:
    """``serving_default(x: f32[2]) = RELU(<op>(x))``."""
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [2])
    y = g.op(op, x, outputs=[(sl.float32, [2])])
    g.output(g.op("RELU", y), "y")
    mb.signature("serving_default", g)
    return mb.build()
