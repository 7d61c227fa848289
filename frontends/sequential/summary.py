"""The text of ``Sequential.summary()``."""

from __future__ import annotations

from typing import Any


def _shape_text(shape: tuple[int, ...] | None) -> str:
    if shape is None:
        return "?"
    dims = ["None" if d < 0 else str(d) for d in shape]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _rows(model: Any, built: bool) -> list[tuple[str, str, str]]:
    shapes = model.layer_output_shapes() if built else [None] * len(model.layers)
    rows = [("Layer (type)", "Output Shape", "Param #")]
    for layer, shape in zip(model.layers, shapes, strict=True):
        params = str(layer.count_params()) if layer.built else "0 (unbuilt)"
        rows.append((f"{layer.name} ({type(layer).__name__})", _shape_text(shape), params))
    return rows


def format_summary(model: Any, width: int = 80) -> str:
    """Model name, one row per layer (name and type, output shape, parameters), then totals."""
    built = model.built or _try_build(model)
    rows = _rows(model, built)
    c0 = max(len(r[0]) for r in rows) + 2
    c1 = max(len(r[1]) for r in rows) + 2
    width = max(width, c0 + c1 + max(len(r[2]) for r in rows))
    lines = [f'Model: "{model.name}"', "_" * width]
    for i, (label, shape, params) in enumerate(rows):
        lines.append(f"{label:<{c0}}{shape:<{c1}}{params}")
        if i == 0:
            lines.append("=" * width)
    lines.append("=" * width)
    if built:
        trainable = sum(int(v.numpy().size) for v in model.trainable_weights)
        total = model.count_params()
        lines += [
            f"Total params: {total}",
            f"Trainable params: {trainable}",
            f"Non-trainable params: {total - trainable}",
        ]
    else:
        lines.append("Total params: unknown (the model is not built yet)")
    lines.append("_" * width)
    return "\n".join(lines)


def _try_build(model: Any) -> bool:
    from .build import input_spec

    if input_spec(model) is None or not model.layers:
        return False
    model.build()
    return True
