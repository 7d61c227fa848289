"""The runtime: LiteRT's Python interpreter API with signature runners, on delegates.

Memory: at allocation each subgraph gets a flat plan of bound kernels and one arena in which
tensors whose lifetimes do not overlap share memory (``Interpreter.memory_plan()`` and
``Interpreter.arena_bytes()`` report it). Strings are object arrays of ``bytes``; resource
handles are object arrays holding an ``int`` id.
"""

from .delegates import load_delegate
from .interpreter import Interpreter, OpResolverType
from .placement import Placement
from .plan import bind_nodes
from .signature_runner import SignatureRunner

__all__ = [
    "Interpreter", "OpResolverType", "Placement", "SignatureRunner", "bind_nodes",
    "load_delegate",
]  # fmt: skip
