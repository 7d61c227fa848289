"""PyTorch module(s) -> siglite Model: export, one subgraph per signature, layout passes."""

from __future__ import annotations

from typing import Any

from siglite.errors import ConverterError
from siglite.ir import Model, check
from siglite.passes import eliminate_dead_code
from siglite.passes.transposes import optimize_transposes

from .export import export, input_names, output_names, signature_specs
from .graph import convert_program


def convert(
    module: Any,
    sample_args: Any = None,
    sample_kwargs: dict | None = None,
    dynamic_shapes: Any = None,
    signature_key: str = "serving_default",
    *,
    nhwc_io: bool = False,
    optimize: bool = True,
) -> Model:
    """Convert PyTorch module(s) or callable(s) to a siglite :class:`~siglite.ir.Model`.

    ``module``: an ``nn.Module`` or a callable (exported with ``sample_args`` /
    ``sample_kwargs`` and ``torch.export`` ``dynamic_shapes``; one signature named
    ``signature_key``), or a dict ``{key: (module, sample_args[, sample_kwargs[,
    dynamic_shapes]])}`` (the options may also be a dict as third item) for one signature each.
    ``nhwc_io``: 4-D signature inputs and outputs in NHWC instead of PyTorch's NCHW.
    ``optimize``: remove cancelling transposes (on by default).
    """
    specs = signature_specs(module, sample_args, sample_kwargs, dynamic_shapes, signature_key)
    out = Model(description="siglite PyTorch frontend")
    consts: dict = {}  # one array per distinct constant content, across signatures
    single = len(specs) == 1
    for spec in specs:
        if not isinstance(spec.key, str) or not spec.key:
            raise ConverterError(f"signature keys must be non-empty strings, got {spec.key!r}")
        ep = export(spec)
        names = (input_names(ep, spec), output_names(ep))
        sg_name = "main" if single else spec.key
        signature = convert_program(ep, spec.key, sg_name, names, consts, nhwc_io)
        out.subgraphs.append(signature.subgraph)
        out.signatures[spec.key] = signature
    if optimize:
        out = optimize_transposes(out)
    return check(eliminate_dead_code(out))
