"""Merge several models into one multi-signature model.

Each source keeps its own subgraphs, so a model converted from PyTorch, one from ONNX and one
written with siglite's authoring API can live in one ``.tflite`` file side by side:

    merged = sl.merge_models({"vision": torch_model, "text": onnx_model})

The rules:

* **Signatures.** Every signature of every model is kept under its key. A key that two models
  use is an error, unless ``on_conflict="rename"``: then every model that uses such a key gets
  it prefixed with its source name (``"vision_serving_default"``, ``"text_serving_default"``).
  The source name is the dict key, or ``"model<i>"`` for the i-th model of a list.
* **Subgraphs.** All subgraphs are kept; the attributes that name a subgraph (IF branches,
  WHILE condition and body, CALL_ONCE initializers ...) are remapped to the new indices, and
  the layout pass then puts signature *i* in subgraph *i*, helpers after.
* **Resources.** Resource variables are identified by ``(container, shared_name)``. When two
  models use the same identity, each of them gets ``"<source name>/"`` put before the shared
  name, so their variables never alias; identities only one model uses stay as they are.
  To *share* a variable deliberately, list its shared name in ``share_variables``: every model
  that uses it then reads and writes the same variable. Its initial value is the one assigned
  by the initializer of the first model (in merge order) that has one; the other models drop
  their own assignment and call that initializer instead (``CALL_ONCE`` runs it once per
  interpreter, whichever signature runs first), so no model resets what another one stored.
  Hash tables are never shared: each model's ``table_id`` is renumbered into one range that
  starts after the variables, as the file format requires (LiteRT keeps both kinds in one
  resource map).
* **Metadata.** ``min_runtime_version`` becomes the highest of the sources; other entries keep
  the first model's value.
* **Constants.** Identical constant buffers are stored once by the file writer, across models.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable, Mapping
from typing import Literal

from .errors import ConverterError
from .ir import Model, Node, Signature, Subgraph, Tensor, check
from .passes.layout import SUBGRAPH_ATTRS, order_signatures

__all__ = ["merge_models"]

MIN_RUNTIME_KEY = "min_runtime_version"


def merge_models(
    models: Mapping[str, Model] | Iterable[Model],
    *,
    on_conflict: Literal["error", "rename"] = "error",
    share_variables: Collection[str] = (),
) -> Model:
    """One model holding every signature of ``models`` (the inputs are left unchanged).

    ``models``: a dict ``{source_name: Model}`` or a list of models (named ``model0``,
    ``model1`` ...). ``on_conflict``: ``"error"`` raises :class:`ConverterError` when two models
    use one signature key; ``"rename"`` prefixes such keys with the source name.
    ``share_variables``: shared names of resource variables that the models deliberately share.
    See the module documentation for the full rules.
    """
    if on_conflict not in ("error", "rename"):
        raise ConverterError(f"on_conflict must be 'error' or 'rename', got {on_conflict!r}")
    sources = _named_sources(models)
    clones = [(name, clone_model(m)) for name, m in sources]
    keys = _signature_keys(clones, on_conflict)
    shared = _shared_names(clones, share_variables)
    _separate_variables(clones, shared)
    _renumber_tables(clones)
    merged = Model(
        metadata=merge_metadata([m.metadata for _, m in clones]),
        description=_description([m.description for _, m in clones]),
        version=max(m.version for _, m in clones),
    )
    for (_, model), renamed in zip(clones, keys, strict=True):
        _append(merged, model, renamed)
    _share_initial_values([m for _, m in clones], merged, shared)
    return check(order_signatures(merged))


def _named_sources(models: Mapping[str, Model] | Iterable[Model]) -> list[tuple[str, Model]]:
    if isinstance(models, Model):
        raise ConverterError("merge_models takes a dict or a list of models, not one model")
    if isinstance(models, Mapping):
        pairs = [(k, m) for k, m in models.items()]
    else:
        pairs = [(f"model{i}", m) for i, m in enumerate(models)]
    if not pairs:
        raise ConverterError("merge_models got no models to merge")
    for name, model in pairs:
        if not isinstance(name, str) or not name:
            raise ConverterError(f"source names must be non-empty strings, got {name!r}")
        if not isinstance(model, Model):
            raise ConverterError(
                f"source {name!r} is a {type(model).__name__}, expected a siglite Model"
            )
    return pairs


# -- copying --------------------------------------------------------------------------------------


def clone_model(model: Model) -> Model:
    """A structural copy of ``model``: new tensors, nodes, subgraphs and signatures; constant
    data arrays are shared, not copied."""
    tmap: dict[int, Tensor] = {}
    sgmap: dict[int, Subgraph] = {}
    for sg in model.subgraphs:
        sgmap[id(sg)] = _clone_subgraph(sg, tmap)
    signatures = {}
    for key, sig in model.signatures.items():
        signatures[key] = Signature(
            sig.key,
            sgmap[id(sig.subgraph)],
            {n: tmap[id(t)] for n, t in sig.inputs.items()},
            {n: tmap[id(t)] for n, t in sig.outputs.items()},
        )
    return Model(
        [sgmap[id(sg)] for sg in model.subgraphs],
        signatures,
        dict(model.metadata),
        model.description,
        model.version,
    )


def _clone_subgraph(sg: Subgraph, tmap: dict[int, Tensor]) -> Subgraph:
    def get(t: Tensor) -> Tensor:
        if id(t) not in tmap:  # a tensor a node uses without listing it in sg.tensors
            tmap[id(t)] = copy.copy(t)
        return tmap[id(t)]

    new = Subgraph(sg.name, [get(t) for t in sg.tensors])
    new.inputs = [get(t) for t in sg.inputs]
    new.outputs = [get(t) for t in sg.outputs]
    new.nodes = [
        Node(
            n.op,
            [None if t is None else get(t) for t in n.inputs],
            [get(t) for t in n.outputs],
            copy.deepcopy(n.attrs),
            n.version,
            [get(t) for t in n.intermediates],
            n.custom_options,
        )
        for n in sg.nodes
    ]
    return new


# -- signatures and subgraphs ---------------------------------------------------------------------


def _signature_keys(clones: list[tuple[str, Model]], on_conflict: str) -> list[dict[str, str]]:
    """Per model, old key -> new key; raises on a collision unless renaming."""
    owners: dict[str, list[str]] = {}
    for name, model in clones:
        for key in model.signatures:
            owners.setdefault(key, []).append(name)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    if clashes and on_conflict == "error":
        key, names = next(iter(clashes.items()))
        raise ConverterError(
            f"signature key {key!r} is used by both model {names[0]!r} and model {names[1]!r}; "
            "rename one of them or pass on_conflict='rename' to prefix it with the source name"
        )
    result: list[dict[str, str]] = []
    final: dict[str, str] = {}
    for name, model in clones:
        renamed = {}
        for key in model.signatures:
            new = f"{name}_{key}" if key in clashes else key
            if new in final:
                raise ConverterError(
                    f"renaming signature {key!r} of model {name!r} gives {new!r}, which model "
                    f"{final[new]!r} already uses"
                )
            final[new] = name
            renamed[key] = new
        result.append(renamed)
    return result


def _append(merged: Model, model: Model, keys: dict[str, str]) -> None:
    """Add ``model``'s subgraphs (index attributes shifted) and signatures to ``merged``."""
    offset = len(merged.subgraphs)
    for sg in model.subgraphs:
        for node in sg.nodes:
            for attr in SUBGRAPH_ATTRS:
                value = node.attrs.get(attr)
                if isinstance(value, int) and not isinstance(value, bool):
                    node.attrs[attr] = value + offset
    merged.subgraphs.extend(model.subgraphs)
    entries: dict[int, int] = {}
    for sig in model.signatures.values():
        entries[id(sig.subgraph)] = entries.get(id(sig.subgraph), 0) + 1
    for key, sig in model.signatures.items():
        sig.key = keys[key]
        # Single-signature frontends call their subgraph "main"; in a merged model the
        # signature key tells the entries apart, as in TensorFlow's multi-signature files.
        if sig.subgraph.name == "main" and entries[id(sig.subgraph)] == 1:
            sig.subgraph.name = sig.key
        merged.signatures[sig.key] = sig


# -- resources ------------------------------------------------------------------------------------


def _var_handles(model: Model) -> list[Node]:
    return [n for sg in model.subgraphs for n in sg.nodes if n.op == "VAR_HANDLE"]


def _identity(node: Node) -> tuple[str, str]:
    return (node.attrs.get("container") or "", node.attrs.get("shared_name") or "")


def _shared_names(clones: list[tuple[str, Model]], names: Collection[str]) -> frozenset[str]:
    """``share_variables`` as a set, checked against the variables the models use."""
    shared = frozenset([names] if isinstance(names, str) else names)
    used = {_identity(n)[1] for _, m in clones for n in _var_handles(m)}
    unknown = sorted(shared - used)
    if unknown:
        known = ", ".join(map(repr, sorted(used))) or "none"
        raise ConverterError(
            f"share_variables names {', '.join(map(repr, unknown))}, which no model uses "
            f"(the models' variables: {known})"
        )
    return shared


def _separate_variables(clones: list[tuple[str, Model]], shared: frozenset[str]) -> None:
    """Prefix the shared names of variables that more than one model uses (unless shared)."""
    users: dict[tuple[str, str], set[str]] = {}
    for name, model in clones:
        for node in _var_handles(model):
            users.setdefault(_identity(node), set()).add(name)
    for name, model in clones:
        for node in _var_handles(model):
            ident = _identity(node)
            if len(users[ident]) > 1 and ident[1] not in shared:
                node.attrs["shared_name"] = f"{name}/{ident[1]}"


def _renumber_tables(clones: list[tuple[str, Model]]) -> None:
    """Give each model's hash tables their own ids, after the ids of all variables."""
    variables = {_identity(n) for _, m in clones for n in _var_handles(m)}
    next_id = len(variables)
    for _, model in clones:
        new_id: dict[int, int] = {}
        for sg in model.subgraphs:
            for node in sg.nodes:
                if node.op != "HASHTABLE":
                    continue
                old = int(node.attrs.get("table_id", 0))
                if old not in new_id:
                    new_id[old] = next_id
                    next_id += 1
                node.attrs["table_id"] = new_id[old]


def _initializers(model: Model, merged: Model) -> list[int]:
    """Indices (in ``merged``) of the subgraphs ``model`` runs through CALL_ONCE."""
    found: list[int] = []
    for sg in model.subgraphs:
        for node in sg.nodes:
            index = node.attrs.get("init_subgraph_index")
            if node.op == "CALL_ONCE" and isinstance(index, int) and index not in found:
                found.append(index)
    return [i for i in found if 0 <= i < len(merged.subgraphs)]


def _assigned(sg: Subgraph) -> dict[str, list[Node]]:
    """Shared name -> the ASSIGN_VARIABLE nodes of ``sg`` that write that variable."""
    handles = {id(n.outputs[0]): _identity(n)[1] for n in sg.nodes if n.op == "VAR_HANDLE"}
    found: dict[str, list[Node]] = {}
    for node in sg.nodes:
        if node.op == "ASSIGN_VARIABLE" and node.inputs and node.inputs[0] is not None:
            name = handles.get(id(node.inputs[0]))
            if name is not None:
                found.setdefault(name, []).append(node)
    return found


def _share_initial_values(models: list[Model], merged: Model, shared: frozenset[str]) -> None:
    """Let one initializer (the first model's that assigns it) set each shared variable."""
    owner: dict[str, int] = {}
    for model in models:
        for index in _initializers(model, merged):
            for name in _assigned(merged.subgraphs[index]):
                if name in shared:
                    owner.setdefault(name, index)
    for model in models:
        inits = _initializers(model, merged)
        used = {_identity(n)[1] for n in _var_handles(model)} & owner.keys()
        calls = sorted({owner[name] for name in used if owner[name] not in inits})
        for index in inits:
            sg = merged.subgraphs[index]
            assigned = _assigned(sg).items()
            drop = {id(n) for name, ns in assigned if owner.get(name, index) != index for n in ns}
            sg.nodes = [n for n in sg.nodes if id(n) not in drop]
        entries = {id(s.subgraph): s.subgraph for s in model.signatures.values()}
        for sg in entries.values():
            sg.nodes[:0] = [Node("CALL_ONCE", [], [], {"init_subgraph_index": i}) for i in calls]


# -- metadata -------------------------------------------------------------------------------------


def _version_tuple(raw: bytes) -> tuple[int, ...]:
    text = bytes(raw).split(b"\0", 1)[0].decode("ascii", "replace").strip()
    parts = []
    for piece in text.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def merge_metadata(entries: list[dict[str, bytes]]) -> dict[str, bytes]:
    """One metadata dict: the highest ``min_runtime_version``, else the first value of a key."""
    merged: dict[str, bytes] = {}
    for meta in entries:
        for key, value in meta.items():
            if key not in merged:
                merged[key] = value
            elif key == MIN_RUNTIME_KEY and _version_tuple(value) > _version_tuple(merged[key]):
                merged[key] = value
    return merged


def _description(descriptions: list[str]) -> str:
    unique = list(dict.fromkeys(d for d in descriptions if d))
    return " + ".join(unique)
