"""``siglite demo``: the signatures walkthrough end to end.

Builds the guide's two-signature model (``encode``: float → string with the Select op
``AsString``; ``decode``: string → float with ``StringToNumber``), writes it as a .tflite file,
reads the signature list back, and runs both signature runners as a round trip.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from . import dtypes
from .ir import Model, ModelBuilder
from .passes import order_signatures

AS_STRING_ATTRS = {
    "T": dtypes.float32, "precision": -1, "scientific": False, "shortest": False, "width": -1,
    "fill": "",
}  # fmt: skip


def build_coding_model() -> Model:
    """The guide's ``encode``/``decode`` module as a siglite model (one subgraph each)."""
    mb = ModelBuilder()
    enc = mb.subgraph("encode")
    x = enc.input("x", dtypes.float32, [-1])
    out = enc.op("AsString", x, outputs=[(dtypes.string, (-1,))], **AS_STRING_ATTRS)
    enc.output(out, "encoded_result")
    mb.signature("encode", enc)

    dec = mb.subgraph("decode")
    s = dec.input("x", dtypes.string, [-1])
    num = dec.op("StringToNumber", s, outputs=[(dtypes.float32, (-1,))], out_type=dtypes.float32)
    dec.output(num, "decoded_result")
    mb.signature("decode", dec)
    # TF's converter writes entry subgraphs in key order; keep that layout.
    return order_signatures(mb.build())


def run_demo(output: str | None = None, values: tuple[float, ...] = (1.0, 2.0, 3.0)) -> dict:
    """Run the walkthrough, printing each step; returns the runners' results.

    Without ``output`` the file goes to a temporary folder that is removed afterwards.
    """
    if output:
        return _walkthrough(Path(output), values, "")
    with tempfile.TemporaryDirectory() as folder:
        note = " (temporary; pass -o FILE to keep it)"
        return _walkthrough(Path(folder) / "coding.tflite", values, note)


def _walkthrough(path: Path, values: tuple[float, ...], note: str) -> dict:
    from .format import write_model
    from .runtime import Interpreter

    data = write_model(build_coding_model())
    path.write_bytes(data)
    print(f"wrote {path} ({len(data)} bytes){note}")

    interpreter = Interpreter(model_path=str(path))
    print("signatures:", interpreter.get_signature_list())
    encode = interpreter.get_signature_runner("encode")
    decode = interpreter.get_signature_runner("decode")
    encoded = encode(x=np.array(values, dtype=np.float32))
    print(f"encode(x={list(values)}) -> {encoded['encoded_result'].tolist()}")
    decoded = decode(x=encoded["encoded_result"])
    print(f"decode(...) -> {decoded['decoded_result'].tolist()}")
    return {"encoded": encoded["encoded_result"], "decoded": decoded["decoded_result"]}
