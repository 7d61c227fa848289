"""The per-interpreter engine: kernel binding, plans per subgraph, resources and the lock.

One :class:`Engine` serves the classic interpreter API and every signature runner of an
interpreter. All execution holds one re-entrant lock, so runners may be called from many threads
and each call sees a consistent state (control-flow kernels re-enter it on the same thread).

With ``num_threads``, each run caps the BLAS libraries' thread pools (through threadpoolctl,
when it is importable) and puts them back afterwards.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..delegate import Delegate, KernelContext
from ..errors import ExecutionError, InputError, UnsupportedOpError
from ..ir import Model, Node
from .executor import ExecState, run_steps
from .partition import is_device_array
from .plan import Binding, Program, bind_nodes, build_program, plan_memory
from .resources import ResourceStore

PLAN_CACHE_SIZE = 4  # memory plans kept per subgraph (alternating batch sizes don't re-plan)


class BlasThreads:
    """At most ``limit`` BLAS threads inside ``with``: pools above it are lowered, then restored.

    The BLAS libraries are found once, through threadpoolctl (an optional package); without it
    this does nothing. Entering costs a thread-count query per library (about a microsecond),
    far less than threadpoolctl's own context manager, which searches the libraries each time.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.libraries = _blas_libraries()
        self._saved: list[tuple[Any, int]] = []

    def __enter__(self) -> None:
        for lib in self.libraries:
            current = lib.get_num_threads()
            if isinstance(current, int) and current > self.limit:
                lib.set_num_threads(self.limit)
                self._saved.append((lib, current))

    def __exit__(self, *exc: Any) -> None:
        while self._saved:
            lib, n = self._saved.pop()
            lib.set_num_threads(n)


def _blas_libraries() -> tuple[Any, ...]:
    """threadpoolctl's controllers of the loaded BLAS libraries (none without threadpoolctl)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return ()
    return tuple(ThreadpoolController().select(user_api="blas").lib_controllers)


class SubgraphRuntime:
    """One subgraph's program, current input shapes and cached memory plans."""

    def __init__(self, engine: Engine, program: Program) -> None:
        self.engine = engine
        self.program = program
        tensors = program.tensors
        self.input_shapes: list[tuple[int, ...]] = [tensors[i].shape for i in program.inputs]
        self.positions = {t: p for p, t in enumerate(program.inputs)}
        self.current: ExecState | None = None
        self._cache: OrderedDict[tuple, ExecState] = OrderedDict()

    def resize_input(self, position: int, shape: Sequence[int]) -> None:
        shape = tuple(int(d) for d in shape)
        if self.input_shapes[position] != shape:
            self.input_shapes[position] = shape
            self.current = None

    def allocate(self) -> ExecState:
        """The state for the current input shapes, planning memory only for new shapes."""
        key = tuple(self.input_shapes)
        state = self._cache.get(key)
        if state is None:
            plan = plan_memory(
                self.program, self.input_shapes, preserve_all=self.engine.preserve_all
            )
            self.engine.plans_built += 1
            variables = self.engine.variable_tensors(self.program)
            state = ExecState(self.program, plan, variables)
            self._cache[key] = state
            while len(self._cache) > PLAN_CACHE_SIZE:
                self._cache.popitem(last=False)
        self._cache.move_to_end(key)
        self.current = state
        return state

    def feed(self, feeds: dict[int, Any]) -> ExecState:
        """Store input values by tensor index, re-planning only when an input shape changed."""
        positions, shapes = self.positions, self.input_shapes
        for t, value in feeds.items():
            pos = positions.get(t)
            if pos is None:
                continue
            shape = value.shape if type(value) is np.ndarray else np.shape(value)
            if shapes[pos] != shape:
                self.resize_input(pos, shape)
        state = self.current if self.current is not None else self.allocate()
        tensors = self.program.tensors
        for t, value in feeds.items():
            if type(value) is not np.ndarray and not is_device_array(value):
                value = np.asarray(value)
            state.store(t, value, tensors[t])
        return state


class Engine:
    """Model, delegates, resources and per-subgraph runtimes of one interpreter."""

    def __init__(
        self,
        model: Model,
        delegates: list[Delegate],
        preserve_all: bool,
        num_threads: int | None = None,
    ) -> None:
        self.model = model
        self.blas_threads = BlasThreads(num_threads) if num_threads is not None else None
        self.delegates = delegates
        self.preserve_all = preserve_all
        self.lock = threading.RLock()
        self.resources = ResourceStore()
        self.plans_built = 0
        self._bindings: dict[int, list[Binding]] = {}
        self._runtimes: dict[int, SubgraphRuntime] = {}
        self._variables: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        self._active: set[int] = set()
        self._sig_of: dict[int, str] = {}
        self._labels: dict[int, str] = {}
        for key, sig in model.signatures.items():
            self._sig_of.setdefault(model.subgraph_index(sig.subgraph), key)

    # -- naming ---------------------------------------------------------------------------
    def label(self, index: int) -> str:
        """How errors name subgraph ``index``: its signature, else its index and name."""
        if index not in self._labels:
            self._labels[index] = self._make_label(index)
        return self._labels[index]

    def _make_label(self, index: int) -> str:
        if index in self._sig_of:
            return f"signature {self._sig_of[index]!r}"
        name = self.model.subgraphs[index].name
        return f"subgraph {index}" + (f" ({name!r})" if name else "")

    # -- binding and programs -------------------------------------------------------------
    def bindings(self, index: int) -> list[Binding]:
        """Which delegate runs each node of subgraph ``index`` (cached)."""
        with self.lock:
            if index not in self._bindings:
                sg = self.model.subgraphs[index]
                self._bindings[index] = bind_nodes(sg, self.delegates)
            return self._bindings[index]

    def runtime(self, index: int, caller: str | None = None) -> SubgraphRuntime:
        """The runtime of subgraph ``index``; fails on a node no delegate can run."""
        with self.lock:
            rt = self._runtimes.get(index)
            if rt is None:
                rt = SubgraphRuntime(self, self._program(index, caller))
                self._runtimes[index] = rt
                for callee in called_subgraphs(self.model.subgraphs[index].nodes):
                    if callee != index and 0 <= callee < len(self.model.subgraphs):
                        self.runtime(callee, caller or self.label(index))
            return rt

    def existing_runtime(self, index: int) -> SubgraphRuntime | None:
        """The runtime of subgraph ``index`` if one was made (never binds kernels)."""
        return self._runtimes.get(index)

    def current_shape(self, index: int, t: int) -> tuple[int, ...] | None:
        """Tensor ``t``'s shape in subgraph ``index`` now (None: the model's shape)."""
        rt = self._runtimes.get(index)
        if rt is None:
            return None
        pos = rt.positions.get(t)
        if pos is not None:
            return rt.input_shapes[pos]
        state = rt.current
        if state is None:
            return None
        value = state.values[t]
        return tuple(np.shape(value)) if value is not None else state.plan.shapes.get(t)

    def _program(self, index: int, caller: str | None) -> Program:
        bindings = self.bindings(index)
        where = self.label(index) + (f" (called from {caller})" if caller else "")
        for b in bindings:
            if b.kernel is None:
                why = "; ".join(f"{d}: {r}" for d, r in b.reasons.items()) or "no delegates"
                raise UnsupportedOpError(
                    f"{where}: node {b.node_index} ({b.node.op}) cannot run: no delegate has a "
                    f"kernel for it ({why})"
                )
        sg = self.model.subgraphs[index]
        signature = self._sig_of.get(index)

        def context(node: Node, delegate: Delegate) -> KernelContext:
            return KernelContext(
                node,
                xp=delegate.xp,
                resources=self.resources,
                call_subgraph=self.call_subgraph,
                signature=signature,
            )

        return build_program(index, sg, bindings, context)

    # -- variable tensors (is_variable) ---------------------------------------------------
    def variable_tensors(self, program: Program) -> dict[int, np.ndarray]:
        """Persistent storage of a subgraph's variable tensors, created on first use."""
        out = {}
        for i in program.variables:
            key = (program.subgraph_index, i)
            if key not in self._variables:
                t = program.tensors[i]
                init = np.zeros(t.shape, t.dtype.numpy) if t.data is None else np.array(t.data)
                self._variables[key] = (init.copy(), init)
            out[i] = self._variables[key][0]
        return out

    def reset_variables(self) -> None:
        """Put every variable tensor back to its initial value (in place)."""
        with self.lock:
            for value, init in self._variables.values():
                np.copyto(value, init)

    # -- running --------------------------------------------------------------------------
    def run(
        self, index: int, feeds: dict[int, Any], fetch: Sequence[int], caller: str | None = None
    ) -> list[np.ndarray]:
        """Feed tensors by index, run subgraph ``index`` and return copies of ``fetch``."""
        with self.lock:
            if index in self._active:  # recursion: the active state must not be reused
                rt = SubgraphRuntime(self, self.runtime(index, caller).program)
            else:
                rt = self._runtimes.get(index) or self.runtime(index, caller)
            rt.feed(feeds)
            self.execute(rt, caller)
            return [self.fetch(rt, t) for t in fetch]

    def execute(self, rt: SubgraphRuntime, caller: str | None = None) -> None:
        """Run the current state of ``rt`` (it must be allocated)."""
        program = rt.program
        index = program.subgraph_index
        label = self.label(index) + (f" (called from {caller})" if caller else "")
        state = rt.current
        assert state is not None
        values = state.values
        for pos, t in enumerate(program.inputs):
            if values[t] is None:
                name = program.tensors[t].name
                raise InputError(f"{label}: input {pos} (%{name}) was never set")
        outermost = index not in self._active
        limit = self.blas_threads if not self._active else None  # nested runs are inside it
        self._active.add(index)
        try:
            if limit is None:
                run_steps(program, state, label)
            else:
                with limit:
                    run_steps(program, state, label)
        finally:
            if outermost:
                self._active.discard(index)

    def fetch(self, rt: SubgraphRuntime, t: int) -> np.ndarray:
        """A copy of tensor ``t``'s current value (device arrays stay on their device)."""
        value = rt.current.values[t] if rt.current is not None else None
        if type(value) is np.ndarray:
            return value.copy()
        if value is None:
            name = rt.program.tensors[t].name
            raise ExecutionError(f"{self.label(rt.program.subgraph_index)}: %{name} has no value")
        if is_device_array(value):  # an output a device delegate keeps on the device
            return value.copy()
        return np.array(value, copy=True)

    def call_subgraph(self, index: int, args: list[Any]) -> list[np.ndarray]:
        """Run subgraph ``index`` on ``args`` (its inputs, in order): control-flow kernels."""
        if not 0 <= index < len(self.model.subgraphs):
            raise ExecutionError(
                f"subgraph index {index} is out of range: the model has "
                f"{len(self.model.subgraphs)} subgraphs"
            )
        sg = self.model.subgraphs[index]
        if len(args) != len(sg.inputs):
            raise ExecutionError(
                f"{self.label(index)} takes {len(sg.inputs)} inputs, {len(args)} were given"
            )
        rt = self.runtime(index)
        feeds = dict(zip(rt.program.inputs, args, strict=True))
        return self.run(index, feeds, rt.program.outputs)


def called_subgraphs(nodes: Sequence[Node]) -> list[int]:
    """Subgraph indices referenced by node attributes (IF, WHILE, CALL_ONCE, ...)."""
    out = []
    for node in nodes:
        for name, value in node.attrs.items():
            if name.endswith("subgraph_index") and isinstance(value, int):
                out.append(value)
    return out
