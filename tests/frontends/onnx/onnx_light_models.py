"""Shared helpers for the light_*.onnx architectures shipped in the onnx package."""

from __future__ import annotations

from pathlib import Path

import numpy as np

LIGHT = (
    "bvlc_alexnet", "densenet121", "inception_v1", "inception_v2", "resnet50", "shufflenet",
    "squeezenet", "vgg19", "zfnet512",
)  # fmt: skip


def light_path(name: str) -> Path:
    import onnx

    return Path(onnx.__file__).parent / "backend" / "test" / "data" / "light" / f"light_{name}.onnx"


def with_logits(name: str):
    """The model with the Softmax input added as a second graph output, so that results are
    not the flat softmax of the models' constant weights."""
    import onnx
    from onnx import helper

    model = onnx.load(str(light_path(name)))
    softmax = [n for n in model.graph.node if n.op_type == "Softmax"]
    if softmax:
        model.graph.output.append(helper.make_empty_tensor_value_info(softmax[-1].input[0]))
    return model


def real_inputs(model) -> list:
    inits = {i.name for i in model.graph.initializer}
    return [vi for vi in model.graph.input if vi.name not in inits]


def random_feeds(model, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    feeds = {}
    for vi in real_inputs(model):
        dims = [d.dim_value or 1 for d in vi.type.tensor_type.shape.dim]
        feeds[vi.name] = rng.standard_normal(dims).astype(np.float32)
    return feeds
