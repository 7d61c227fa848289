"""Constants read from a path are views of the memory map, and offset/size buffers load."""

from __future__ import annotations

import gc
import mmap
import os

import numpy as np
import pytest
from ai_edge_litert import schema_py_generated as schema
from format_testutil import litert

import siglite as sl
from siglite.format import save_model


def _const_model(data: np.ndarray) -> sl.Model:
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, data.shape)
    y = g.op("ADD", x, g.const(data, "big"), outputs=[(sl.float32, data.shape)])
    g.output(y, "y")
    mb.signature("serving_default", g)
    return mb.build()


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _mapping_of(arr: np.ndarray):
    base = arr
    while isinstance(base, np.ndarray):
        base = base.base
    return base.obj if isinstance(base, memoryview) else base


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc")
def test_large_constant_is_not_copied(tmp_path):
    path = tmp_path / "big.tflite"
    size = 50 * 1024 * 1024  # 200 MB of float32
    data = np.full(size, 0.5, np.float32)
    save_model(_const_model(data), path)
    del data
    gc.collect()
    try:
        before = _rss_bytes()
        model = sl.read_model(path)
        arr = model.subgraphs[0].tensors[1].data
        grown = _rss_bytes() - before
        assert arr.shape == (size,) and arr.dtype == np.float32
        assert isinstance(_mapping_of(arr), mmap.mmap)
        assert not arr.flags.writeable
        assert grown < 20 * 1024 * 1024, f"reading grew RSS by {grown / 2**20:.0f} MiB"
        assert float(arr[12345]) == 0.5 and float(arr[-1]) == 0.5
        del arr, model
    finally:
        gc.collect()
        path.unlink()


def test_bytes_input_is_viewed_not_copied():
    content = sl.write_model(_const_model(np.arange(1000, dtype=np.float32)))
    arr = sl.read_model(content).subgraphs[0].tensors[1].data
    assert np.shares_memory(arr, np.frombuffer(content, np.uint8))
    np.testing.assert_array_equal(arr, np.arange(1000, dtype=np.float32))


def test_external_buffers_load_in_litert_and_siglite():
    data = np.arange(24, dtype=np.float32).reshape(4, 6)
    model = _const_model(data)
    inline = sl.write_model(model)
    external = sl.write_model(model, external_buffers=True)
    root = schema.Model.GetRootAs(external, 0)
    stored = [root.Buffers(i) for i in range(root.BuffersLength())]
    with_offset = [b for b in stored if b.Offset() > 1]
    assert with_offset and all(b.DataLength() == 0 for b in with_offset)
    assert all(b.Offset() % 16 == 0 for b in with_offset)
    again = sl.read_model(external)
    np.testing.assert_array_equal(again.subgraphs[0].tensors[1].data, data)
    x = np.ones((4, 6), np.float32)
    got = litert(external).get_signature_runner()(x=x)["y"]
    np.testing.assert_array_equal(got, litert(inline).get_signature_runner()(x=x)["y"])
    np.testing.assert_array_equal(got, x + data)
    assert sl.write_model(again) == inline


def test_save_over_the_mapped_file(tmp_path):
    data = np.arange(4096, dtype=np.float32)
    path = tmp_path / "m.tflite"
    save_model(_const_model(data), path)
    model = sl.read_model(path)  # constants view the mapping of this very file
    model.description = "saved again"
    save_model(model, path)
    np.testing.assert_array_equal(model.subgraphs[0].tensors[1].data, data)
    again = sl.read_model(path)
    assert again.description == "saved again"
    np.testing.assert_array_equal(again.subgraphs[0].tensors[1].data, data)
    assert [p.name for p in tmp_path.iterdir()] == ["m.tflite"]
