"""The converter frontends: ``saved_model`` (a directory) and ``concrete_functions``."""

from __future__ import annotations

import os
from typing import Any

from siglite.errors import ConverterError
from siglite.ir import Model
from siglite.passes.layout import reachable_subgraphs, reorder_subgraphs

from .assemble import build_model
from .function import ConcreteFunction, Function


def from_saved_model(
    saved_model_dir: str | os.PathLike, signature_keys: Any = None, tags: Any = None
) -> Model:
    """The model holding the chosen signatures of a saved directory (all by default)."""
    from .saved_model import read_saved_model

    manifest, model = read_saved_model(saved_model_dir)
    valid = list(manifest["signatures"])
    if not valid:
        raise ConverterError("Only support at least one signature key.")
    if signature_keys is None:
        keys = valid
    else:
        keys = [signature_keys] if isinstance(signature_keys, str) else list(signature_keys)
        for k in keys:
            if k not in valid:
                raise ConverterError(
                    f"Invalid signature key '{k}' found. Valid keys are '{','.join(valid)}'."
                )
    return select_signatures(model, keys)


def select_signatures(model: Model, keys: list[str]) -> Model:
    """Keep only ``keys`` (sorted) and the subgraphs they reach."""
    model.signatures = {k: model.signatures[k] for k in sorted(keys)}
    entries = []
    for k in model.signatures:
        sg = model.signatures[k].subgraph
        if all(sg is not e for e in entries):
            entries.append(sg)
    if len(entries) == 1:
        entries[0].name = "main"
    return reorder_subgraphs(model, reachable_subgraphs(model, entries))


def from_concrete_functions(funcs: Any, trackable_obj: Any = None) -> Model:
    """One signature per function: ``serving_default`` for one, else each function's name."""
    funcs = list(funcs) if isinstance(funcs, list | tuple) else [funcs]
    for f in funcs:
        if not isinstance(f, ConcreteFunction):
            hint = ""
            if isinstance(f, Function):
                hint = f" Call {f.name}.get_concrete_function() to get one from a sl.function."
            raise ConverterError(f"This function takes in a list of ConcreteFunction.{hint}")
    if not funcs:
        raise ConverterError("from_concrete_functions: no functions given")
    if len(funcs) == 1:
        return build_model([("serving_default", funcs[0])])
    names = [f.name for f in funcs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConverterError(f"from_concrete_functions: several functions are named {dupes}")
    return build_model([(f.name, f) for f in funcs])
