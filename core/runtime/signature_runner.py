"""Signature runners: call one named entry point of a model with keyword arguments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..ir import Signature
from .details import tensor_details
from .inputs import InputChecker, InputSpec, check_names

if TYPE_CHECKING:
    from .engine import Engine


class SignatureRunner:
    """Runs one signature: ``runner(x=...) -> {output_name: array}``.

    Inputs may be arrays or array-likes (see :mod:`siglite.runtime.inputs`); names, dtypes,
    ranks and fixed dimensions are checked against the signature. Outputs are fresh arrays that
    own their data, in the order of their sorted names (as LiteRT returns them); a 0-d output
    is a 0-d array (LiteRT gives a numpy scalar). Nodes are bound to kernels on the first call,
    where an op no delegate can run raises :class:`UnsupportedOpError`. Calls from
    several threads are safe: they run one after another on the interpreter's engine.
    """

    def __init__(self, engine: Engine, key: str) -> None:
        self._engine = engine
        self.signature_key = key
        sig: Signature = engine.model.signatures[key]
        self._signature = sig
        self.subgraph_index = engine.model.subgraph_index(sig.subgraph)
        slot = {id(t): i for i, t in enumerate(sig.subgraph.tensors)}
        self._in = {n: slot[id(sig.inputs[n])] for n in sorted(sig.inputs)}
        self._out = {n: slot[id(sig.outputs[n])] for n in sorted(sig.outputs)}
        self._specs = {n: InputSpec.of(n, sig.inputs[n]) for n in self._in}
        self._names = frozenset(self._in)
        self._checkers = {
            n: (slot, InputChecker(self._specs[n], f"signature {key!r}, input {n!r}"))
            for n, slot in self._in.items()
        }
        self._fetch = list(self._out.values())

    def __call__(self, **inputs: Any) -> dict[str, np.ndarray]:
        """Run the signature on keyword inputs and return its outputs by name."""
        if inputs.keys() != self._names:
            check_names(self.signature_key, self._specs, inputs)
        checkers = self._checkers
        feeds = {}
        for name, value in inputs.items():
            slot, check = checkers[name]
            feeds[slot] = check(value)
        values = self._engine.run(self.subgraph_index, feeds, self._fetch)
        return dict(zip(self._out, values, strict=True))

    def get_input_details(self) -> dict[str, dict[str, Any]]:
        """``{input_name: details}``; indices are relative to the signature's subgraph."""
        return {n: self._details(i) for n, i in self._in.items()}

    def get_output_details(self) -> dict[str, dict[str, Any]]:
        """``{output_name: details}``; indices are relative to the signature's subgraph."""
        return {n: self._details(i) for n, i in self._out.items()}

    def input_names(self) -> list[str]:
        """The signature's input names, sorted."""
        return list(self._in)

    def output_names(self) -> list[str]:
        """The signature's output names, sorted (the order of the returned dict)."""
        return list(self._out)

    def _details(self, index: int) -> dict[str, Any]:
        t = self._signature.subgraph.tensors[index]
        return tensor_details(t, index, self._engine.current_shape(self.subgraph_index, index))

    def __repr__(self) -> str:
        ins = ", ".join(f"{n}: {s}" for n, s in self._specs.items())
        return f"<SignatureRunner {self.signature_key!r} ({ins}) -> {list(self._out)}>"
