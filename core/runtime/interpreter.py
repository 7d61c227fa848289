"""``Interpreter``: TFLite's Python interpreter API on siglite's engine."""

from __future__ import annotations

import enum
import os
from collections.abc import Sequence
from typing import Any

from ..delegate import Delegate
from ..errors import DelegateError, InputError, InvalidModelError, SignatureError
from ..ir import Model
from ..ir.lint import check
from .delegates import resolve_delegates
from .details import ops_details, tensor_details
from .engine import Engine
from .memory import MemoryMixin
from .placement import ModelPlacement, Placement
from .signature_runner import SignatureRunner
from .tensors import TensorAccessMixin


class OpResolverType(enum.IntEnum):
    """LiteRT's op resolver choices; siglite accepts them and runs its own delegates."""

    AUTO = 0
    BUILTIN = 1
    BUILTIN_REF = 2
    BUILTIN_WITHOUT_DEFAULT_DELEGATES = 3


# LiteRT's other constructor flags: accepted for compatibility, without effect here.
_IGNORED_FLAGS = frozenset(
    {
        "experimental_disable_delegate_clustering",
        "experimental_default_delegate_latest_features",
        "experimental_compress_quantization_zero_points",
        "experimental_disable_delegate_node_fusion",
        "experimental_force_delegate_node_profiling",
    }
)


def _check_resolver(value: Any) -> None:
    code = getattr(value, "value", value)
    if isinstance(code, bool) or not isinstance(code, int) or code not in range(4):
        raise InputError(f"Unrecognized passed in op resolver type: {code}")


def _check_threads(num_threads: Any) -> None:
    if num_threads is None:
        return
    if not isinstance(num_threads, int):  # True passes as 1, as in LiteRT
        raise InputError("type of num_threads should be int")
    if num_threads < 1:
        raise InputError("num_threads should >= 1")


def _load_model(model_path: Any, model_content: Any, model: Model | None) -> Model:
    given = [v is not None for v in (model_path, model_content, model)]
    if not any(given):
        raise InputError("`model_path` or `model_content` must be specified.")
    if sum(given) > 1:
        raise InputError("Can't both provide `model_path` and `model_content` (or `model`)")
    if model is not None:
        if not isinstance(model, Model):
            raise InvalidModelError(f"model= expects a siglite Model, got {type(model).__name__}")
        return check(model)
    from ..format import read_model

    if model_path is not None:
        path = os.fspath(model_path)
        if not os.path.isfile(path):
            raise InvalidModelError(f"Could not open {path!r}: no such model file")
        source: Any = path
    else:
        # bytes(n) of an int would allocate n zero bytes, and str has no single encoding.
        if isinstance(model_content, (str, int)):
            raise InvalidModelError(
                f"model_content must be bytes-like, got {type(model_content).__name__}"
            )
        try:  # bytes are immutable and used as they are (constants stay views of them)
            source = (
                model_content
                if isinstance(model_content, bytes)
                else bytes(memoryview(model_content).cast("B"))
            )
        except TypeError as exc:
            raise InvalidModelError(f"model_content must be bytes-like: {exc}") from None
    try:
        return read_model(source)
    except InvalidModelError:
        raise
    except Exception as exc:
        raise InvalidModelError(f"The model is not a valid TFLite flatbuffer: {exc}") from exc


class Interpreter(TensorAccessMixin, MemoryMixin):
    """Runs a TFLite model with LiteRT's Python API, on siglite's delegates.

    ``model_path``/``model_content`` as in LiteRT, or ``model`` (a siglite :class:`Model`).
    ``delegates`` lists delegate names (from the plugin registry) or :class:`Delegate` objects
    (a string is read as comma-separated names); ``experimental_delegates`` takes objects from
    :func:`load_delegate`. Both are in priority order and the numpy delegate always comes last.
    ``num_threads`` caps the BLAS threads the kernels use while this interpreter runs (when
    threadpoolctl is installed; otherwise it is only validated); the op resolver type is
    validated like LiteRT and otherwise not used.
    Every method is thread-safe.

    ``strict=True`` raises :class:`DelegateError` at construction when any node would fall back
    to the numpy delegate although other delegates were given (:meth:`get_placement` shows
    where each node runs).
    """

    def __init__(
        self,
        model_path: str | os.PathLike | None = None,
        model_content: bytes | None = None,
        experimental_delegates: Sequence[Delegate] | None = None,
        num_threads: int | None = None,
        experimental_op_resolver_type: Any = OpResolverType.AUTO,
        experimental_preserve_all_tensors: bool = False,
        *,
        delegates: Sequence[str | Delegate] | None = None,
        model: Model | None = None,
        strict: bool = False,
        **experimental: Any,
    ) -> None:
        unknown = sorted(set(experimental) - _IGNORED_FLAGS)
        if unknown:
            raise TypeError(f"Interpreter() got unexpected keyword arguments: {unknown}")
        _check_resolver(experimental_op_resolver_type)
        _check_threads(num_threads)
        self._model = _load_model(model_path, model_content, model)
        self._delegates = resolve_delegates(experimental_delegates, delegates)
        self._engine = Engine(
            self._model, self._delegates, bool(experimental_preserve_all_tensors), num_threads
        )
        if strict:
            self._check_strict()

    @property
    def model(self) -> Model:
        """The siglite model this interpreter runs."""
        return self._model

    @property
    def delegates(self) -> list[Delegate]:
        """The delegates in priority order (numpy last)."""
        return list(self._delegates)

    # -- signatures -----------------------------------------------------------------------
    def get_signature_list(self) -> dict[str, dict[str, list[str]]]:
        """``{key: {"inputs": [names], "outputs": [names]}}``; names sorted, keys in model
        order."""
        return self._model.get_signature_list()

    def _get_full_signature_list(self) -> dict[str, dict[str, dict[str, int]]]:
        out = {}
        for key, sig in self._model.signatures.items():
            slot = {id(t): i for i, t in enumerate(sig.subgraph.tensors)}
            out[key] = {
                "inputs": {n: slot[id(sig.inputs[n])] for n in sorted(sig.inputs)},
                "outputs": {n: slot[id(sig.outputs[n])] for n in sorted(sig.outputs)},
            }
        return out

    def get_signature_runner(self, signature_key: str | None = None) -> SignatureRunner:
        """The runner of ``signature_key`` (``None`` only when the model has one signature)."""
        sigs = self._model.signatures
        if signature_key is None:
            if len(sigs) != 1:
                known = ", ".join(repr(k) for k in sigs) or "none"
                raise SignatureError(
                    f"SignatureDef signature_key is None and model has {len(sigs)} Signatures. "
                    "None is only allowed when the model has 1 SignatureDef. The model's "
                    f"signatures are: {known}"
                )
            signature_key = next(iter(sigs))
        if not signature_key:
            raise SignatureError("None signature_key provided.")
        if signature_key not in sigs:
            known = ", ".join(repr(k) for k in sigs) or "none"
            raise SignatureError(
                f'Invalid signature_key provided: "{signature_key}". The model\'s signatures '
                f"are: {known}"
            )
        return SignatureRunner(self._engine, signature_key)

    # -- classic API on subgraph 0 ----------------------------------------------------------
    def allocate_tensors(self) -> None:
        """Plan memory for subgraph 0 at its current input shapes."""
        with self._engine.lock:
            self._engine.runtime(0).allocate()

    def invoke(self) -> None:
        """Run subgraph 0 on the values set with :meth:`set_tensor`."""
        from ..errors import RuntimeStateError

        with self._engine.lock:
            rt = self._engine.existing_runtime(0)
            if rt is None or rt.current is None:
                raise RuntimeStateError("Invoke called on model that is not ready.")
            self._engine.execute(rt)

    def get_input_details(self) -> list[dict[str, Any]]:
        """Details of subgraph 0's inputs, in subgraph order."""
        return self._io_details(self._model.subgraphs[0].inputs)

    def get_output_details(self) -> list[dict[str, Any]]:
        """Details of subgraph 0's outputs, in subgraph order."""
        return self._io_details(self._model.subgraphs[0].outputs)

    def _io_details(self, tensors: list) -> list[dict[str, Any]]:
        sg = self._model.subgraphs[0]
        slot = {id(t): i for i, t in enumerate(sg.tensors)}
        return [self._details(0, slot[id(t)]) for t in tensors]

    def get_tensor_details(self, subgraph_index: int = 0) -> list[dict[str, Any]]:
        """Details of every named tensor of a subgraph."""
        self._check_subgraph(subgraph_index)
        sg = self._model.subgraphs[subgraph_index]
        return [self._details(subgraph_index, i) for i, t in enumerate(sg.tensors) if t.name]

    def _details(self, subgraph_index: int, index: int) -> dict[str, Any]:
        t = self._model.subgraphs[subgraph_index].tensors[index]
        return tensor_details(t, index, self._engine.current_shape(subgraph_index, index))

    def _check_subgraph(self, subgraph_index: int) -> None:
        n = len(self._model.subgraphs)
        if not isinstance(subgraph_index, int) or not 0 <= subgraph_index < n:
            raise InputError(
                f"subgraph_index is out of range: {subgraph_index} for the model, which has "
                f"{n} subgraphs."
            )

    def num_subgraphs(self) -> int:
        return len(self._model.subgraphs)

    def _get_ops_details(self) -> list[dict[str, Any]]:
        return ops_details(self._model.subgraphs[0])

    def reset_all_variables(self) -> None:
        """Reset ``is_variable`` tensors (resource variables keep their values, as in LiteRT)."""
        self._engine.reset_variables()

    def placement(self) -> ModelPlacement:
        """Which delegate runs each node of each subgraph."""
        nodes = {}
        for i in range(len(self._model.subgraphs)):
            nodes[i] = [b.delegate.name if b.delegate else None for b in self._engine.bindings(i)]
        return ModelPlacement(nodes)

    def get_placement(self, signature_key: str | None = None) -> Placement:
        """Where the nodes of a signature run: delegates, partitions, border copies, report.

        ``None`` means the only signature (subgraph 0 for a model without signatures).
        """
        if signature_key is None and not self._model.signatures:
            index, key = 0, None
        else:
            runner = self.get_signature_runner(signature_key)
            index, key = runner.subgraph_index, runner.signature_key
        return self._placement_of(index, key)

    def _placement_of(self, index: int, key: str | None) -> Placement:
        bindings = self._engine.bindings(index)
        layout = bindings[0].partition.layout if bindings and bindings[0].partition else None
        names = [d.name for d in self._delegates]
        return Placement.of(layout, bindings, key, index, names)

    def _check_strict(self) -> None:
        """Refuse any fallback to the last (numpy) delegate, naming the nodes."""
        if len(self._delegates) < 2:
            return
        keys = {
            self._model.subgraph_index(s.subgraph): k for k, s in self._model.signatures.items()
        }
        problems = []
        for index in range(len(self._model.subgraphs)):
            placement = self._placement_of(index, keys.get(index))
            where = f"signature {keys[index]!r}" if index in keys else f"subgraph {index}"
            for i in placement.fallback_nodes():
                op = placement.nodes[i][1]
                problems.append(f"{where} node {i} ({op}): {placement.why(i) or 'no delegate'}")
        if problems:
            fallback = self._delegates[-1].name
            raise DelegateError(
                f"strict placement: {len(problems)} node(s) would fall back to {fallback}: "
                + "; ".join(problems)
            )

    @property
    def resources(self) -> Any:
        """This interpreter's resource variables, hash tables and initializer status."""
        return self._engine.resources
