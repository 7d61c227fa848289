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


def with_random_weights(name: str, seed: int = 0):
    """``with_logits(name)`` with every float weight random: the shipped models fill each
    weight tensor with one constant, so that all channels compute the same value and a wrong
    channel order, filter layout or group mapping would go unnoticed."""
    from onnx import numpy_helper

    model = with_logits(name)
    rng = np.random.default_rng(seed)
    roles = _weight_roles(model)
    shapes = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    inits = []
    for init in model.graph.initializer:
        if init.data_type == 1 and init.name in roles:
            value = _random_weight(rng, shapes[init.name].shape, *roles[init.name])
            init = numpy_helper.from_array(value, init.name)
        inits.append(init)
    nodes = []
    for node in model.graph.node:
        if node.op_type == "ConstantOfShape" and node.input[0] in shapes:
            shape = tuple(int(d) for d in shapes[node.input[0]])
            value = _random_weight(rng, shape, *roles.get(node.output[0], ("", 0, None)))
            inits.append(numpy_helper.from_array(value, node.output[0]))
        else:
            nodes.append(node)
    used = {name for node in nodes for name in node.input}
    del model.graph.initializer[:]
    model.graph.initializer.extend(i for i in inits if i.name in used)
    dropped = {i.name for i in inits if i.name not in used}
    kept_inputs = [vi for vi in model.graph.input if vi.name not in dropped]
    del model.graph.input[:]
    model.graph.input.extend(kept_inputs)
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    return model


def _weight_roles(model) -> dict[str, tuple[str, int, object]]:
    """value name -> (consuming op type, input index, node) for the first consumer."""
    roles: dict[str, tuple[str, int, object]] = {}
    for node in model.graph.node:
        for k, name in enumerate(node.input):
            roles.setdefault(name, (node.op_type, k, node))
    return roles


def _random_weight(rng, shape, op: str, index: int, node) -> np.ndarray:
    """He-scaled filters and matrices (activations stay O(1) through deep stacks), small
    biases and means, and scales and variances in [0.5, 1.5]."""
    if op in ("Conv", "Gemm") and index == 1 and len(shape) >= 2:
        fan_in = int(np.prod(shape[1:]))
        if op == "Gemm":
            trans_b = any(a.name == "transB" and a.i for a in node.attribute)
            fan_in = shape[1] if trans_b else shape[0]
        return rng.standard_normal(shape, np.float32) * np.float32(np.sqrt(2.0 / fan_in))
    if (op in ("Conv", "Gemm") and index == 2) or (op == "BatchNormalization" and index in (2, 3)):
        return rng.standard_normal(shape, np.float32) * np.float32(0.1)
    return rng.random(shape, np.float32) + np.float32(0.5)


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
