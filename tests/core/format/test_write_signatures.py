"""Models built with the IR API, written by siglite, listed and run by LiteRT."""

from __future__ import annotations

import numpy as np
from format_testutil import litert

import siglite as sl

N = 256


def _dense_subgraph(mb, key, batch, w, b, c):
    g = mb.subgraph(key)
    x = g.input("x", sl.float32, [batch, N])
    wt = g.const(w, "w")
    bt = g.const(b, "b")
    ct = g.const(c, "c")
    y = g.op("FULLY_CONNECTED", x, wt, bt, outputs=[(sl.float32, [batch, N])])
    z = g.op("ADD", y, ct, fused_activation="RELU", outputs=[(sl.float32, [batch, N])])
    g.output(z, "out")
    mb.signature(key, g)


def _two_signature_model(rng):
    w = rng.standard_normal((N, N)).astype(np.float32)
    b = rng.standard_normal(N).astype(np.float32)
    c = rng.standard_normal(N).astype(np.float32)
    mb = sl.ModelBuilder()
    _dense_subgraph(mb, "fixed", 2, w, b, c)
    # The second signature gets equal data in new arrays: storing it once is the writer's job.
    _dense_subgraph(mb, "dynamic", -1, w.copy(), b.copy(), c.copy())
    return mb.build(), (w, b, c)


def test_two_signatures_run_in_litert():
    rng = np.random.default_rng(0)
    model, (w, b, c) = _two_signature_model(rng)
    content = sl.write_model(model)
    interp = litert(content)
    assert interp.get_signature_list() == {
        "fixed": {"inputs": ["x"], "outputs": ["out"]},
        "dynamic": {"inputs": ["x"], "outputs": ["out"]},
    }
    details = interp.get_signature_runner("dynamic").get_input_details()["x"]
    assert list(details["shape_signature"]) == [-1, N]
    for key, batch in (("fixed", 2), ("dynamic", 5), ("dynamic", 1)):
        x = rng.standard_normal((batch, N)).astype(np.float32)
        got = interp.get_signature_runner(key)(x=x)["out"]
        want = np.maximum(x @ w.T + b + c, 0)
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_shared_weight_stored_once():
    model, (w, _, _) = _two_signature_model(np.random.default_rng(1))
    content = sl.write_model(model)
    assert len(content) < 1.5 * w.nbytes
    again = sl.read_model(content)
    w0 = again.subgraphs[0].tensors[1].data
    w1 = again.subgraphs[1].tensors[1].data
    np.testing.assert_array_equal(w0, w)
    assert np.shares_memory(w0, w1)  # both views of the single stored buffer


def test_signature_maps_sorted_and_indexed():
    from ai_edge_litert import schema_py_generated as schema

    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    b_in = g.input("b_in", sl.float32, [3])
    a_in = g.input("a_in", sl.float32, [3])
    y = g.op("ADD", b_in, a_in, outputs=[(sl.float32, [3])])
    g.output(y, "z_out")
    g.output(y, "a_out")
    mb.signature("sig", g)
    content = sl.write_model(mb.build())
    root = schema.Model.GetRootAs(content, 0)
    sd = root.SignatureDefs(0)
    names = [sd.Inputs(i).Name() for i in range(sd.InputsLength())]
    assert names == [b"a_in", b"b_in"]
    assert [sd.Outputs(i).Name() for i in range(sd.OutputsLength())] == [b"a_out", b"z_out"]
    assert root.Buffers(0).DataLength() == 0  # the empty sentinel
    assert root.Version() == 3
    meta = {
        root.Metadata(i).Name(): root.Metadata(i).Buffer() for i in range(root.MetadataLength())
    }
    runtime = root.Buffers(meta[b"min_runtime_version"]).DataAsNumpy().tobytes()
    assert len(runtime) == 16 and runtime.rstrip(b"\0") == b"1.5.0"
    out = litert(content).get_signature_runner("sig")(
        a_in=np.ones(3, np.float32), b_in=np.full(3, 2, np.float32)
    )
    np.testing.assert_array_equal(out["a_out"], np.full(3, 3, np.float32))


def test_constant_data_is_16_byte_aligned():
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [3])
    for i in range(3):
        x = g.op(
            "ADD",
            x,
            g.const(np.arange(3, dtype=np.float32) + i, f"c{i}"),
            outputs=[(sl.float32, [3])],
        )
    g.output(x, "y")
    mb.signature("serving_default", g)
    content = sl.write_model(mb.build())
    model = sl.read_model(content)
    base = np.frombuffer(content, np.uint8).ctypes.data
    consts = [t.data for t in model.subgraphs[0].tensors if t.data is not None]
    assert len(consts) == 3
    for arr in consts:
        assert (arr.ctypes.data - base) % 16 == 0
