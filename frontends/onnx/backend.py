"""An ONNX backend (``onnx.backend.base`` style) that converts with siglite and runs the result.

``prepare(model)`` converts the ONNX model to TFLite bytes and loads them into a
:class:`siglite.Interpreter`; ``rep.run(inputs)`` feeds the signature runner, so ONNX's backend
test suite can run against siglite::

    import siglite.frontends.onnx.backend as backend
    rep = backend.prepare(model)
    outputs = rep.run([x])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

SIGNATURE_KEY = "serving_default"


class SigliteRep:
    """A converted and loaded model; ``run`` takes inputs in graph order (or a name dict)."""

    def __init__(self, content: bytes, input_map: dict[str, str], outputs: list[str]) -> None:
        import siglite as sl

        self.content = content
        self.interpreter = sl.Interpreter(model_content=content)
        self.runner = self.interpreter.get_signature_runner(SIGNATURE_KEY)
        self.input_map = input_map  # ONNX input name -> signature input name
        self.outputs = outputs  # signature output names in graph output order

    def run(self, inputs: Any, **kwargs: Any) -> tuple[np.ndarray, ...]:
        """Run once; returns the outputs in the ONNX graph's output order."""
        if isinstance(inputs, dict):
            feeds = {self.input_map.get(k, k): np.asarray(v) for k, v in inputs.items()}
        else:
            if isinstance(inputs, np.ndarray):
                inputs = [inputs]
            names = list(self.input_map.values())
            feeds = {n: np.asarray(v) for n, v in zip(names, inputs, strict=False)}
        result = self.runner(**feeds)
        return tuple(result[name] for name in self.outputs)


def _to_proto(model: Any) -> Any:
    from .frontend import load_model

    return load_model(model)


def prepare(model: Any, device: str = "CPU", **kwargs: Any) -> SigliteRep:
    """Convert ``model`` (ModelProto, bytes or path) and load it; ``kwargs`` go to the frontend."""
    import siglite as sl

    if not supports_device(device):
        raise sl.UnsupportedOpError(f"device {device!r} is not supported (CPU is)")
    proto = _to_proto(model)
    converter = sl.Converter.from_onnx(proto, signature_key=SIGNATURE_KEY, **kwargs)
    ir = converter.convert_model()
    from siglite.format import write_model

    content = write_model(ir)
    sig = ir.signatures[SIGNATURE_KEY]
    inits = {i.name for i in proto.graph.initializer}
    onnx_inputs = [vi.name for vi in proto.graph.input if vi.name not in inits]
    input_map = dict(zip(onnx_inputs, sig.inputs, strict=True))
    return SigliteRep(content, input_map, list(sig.outputs))


def run_model(
    model: Any, inputs: Any, device: str = "CPU", **kwargs: Any
) -> tuple[np.ndarray, ...]:
    """Convert, load and run ``model`` once."""
    return prepare(model, device, **kwargs).run(inputs)


def run_node(
    node: Any,
    inputs: Sequence[Any],
    device: str = "CPU",
    outputs_info: Sequence[tuple[Any, tuple[int, ...]]] | None = None,
    opset_version: int | None = None,
    **kwargs: Any,
) -> tuple[np.ndarray, ...]:
    """Run a single ONNX ``NodeProto`` on ``inputs`` (wrapped into a one-node model)."""
    import onnx
    from onnx import helper

    arrays = [np.asarray(x) for x in inputs]
    names = [n for n in node.input if n]
    graph_inputs = [
        helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(a.dtype), a.shape)
        for n, a in zip(names, arrays, strict=False)
    ]
    graph_outputs = [helper.make_empty_tensor_value_info(n) for n in node.output if n]
    if outputs_info:
        graph_outputs = [
            helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(np.dtype(dt)), shape)
            for n, (dt, shape) in zip(node.output, outputs_info, strict=False)
        ]
    graph = helper.make_graph([node], "run_node", graph_inputs, graph_outputs)
    opset = opset_version or onnx.defs.onnx_opset_version()
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    return run_model(model, arrays, device, **kwargs)


def supports_device(device: str) -> bool:
    """siglite's reference delegate runs on the CPU."""
    return str(device).upper().startswith("CPU")


__all__ = ["SigliteRep", "prepare", "run_model", "run_node", "supports_device"]
