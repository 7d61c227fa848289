"""The error hierarchy. Every error siglite raises on purpose is a :class:`SigliteError`.

Errors that TFLite raises as ``ValueError`` / ``RuntimeError`` stay catchable as those types, so
code written against LiteRT's Python API keeps working.
"""

from __future__ import annotations


class SigliteError(Exception):
    """Base class of every siglite error."""


class InvalidModelError(SigliteError, ValueError):
    """A model file or IR graph is malformed (bad offsets, indices, sizes, dangling tensors)."""


class UnsupportedOpError(SigliteError, NotImplementedError):
    """An op, attribute or dtype that a frontend, delegate or kernel cannot handle."""


class ConverterError(SigliteError, ValueError):
    """Conversion failed, e.g. Select-TF ops were needed but not allowed."""


class SignatureError(SigliteError, ValueError):
    """A signature key or a signature's inputs do not match what the model declares."""


class InputError(SigliteError, ValueError):
    """A value given to the interpreter has the wrong name, dtype or shape."""


class RuntimeStateError(SigliteError, RuntimeError):
    """The interpreter is not in a state that allows the call (e.g. invoke before allocate)."""


class ExecutionError(SigliteError, RuntimeError):
    """A kernel failed while running a node; the message names the node, op and signature."""


class DTypeError(SigliteError, TypeError):
    """A dtype has no mapping (e.g. a TFLite type without a numpy equivalent)."""


class PluginError(SigliteError):
    """A plugin registered something invalid."""


class DelegateError(SigliteError, RuntimeError):
    """A delegate could not be loaded, or refused work under ``strict=True``."""
