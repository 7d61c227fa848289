"""``sl.Converter``: from a source (saved model, Keras-like model, functions, ONNX, torch) to bytes.

Each ``from_*`` factory asks the frontend registered under that name (plugin hook
``register_frontends``) for a :class:`siglite.Model`; :meth:`Converter.convert` runs the
optimisation passes, checks the op sets against ``target_spec.supported_ops`` and writes the
TFLite flatbuffer.
"""

from __future__ import annotations

import enum
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ConverterError
from .ir import Model


class OpsSet(enum.Enum):
    """Which ops a converted model may use (TFLite's ``tf.lite.OpsSet``)."""

    TFLITE_BUILTINS = "TFLITE_BUILTINS"
    SELECT_TF_OPS = "SELECT_TF_OPS"
    TFLITE_BUILTINS_INT8 = "TFLITE_BUILTINS_INT8"


class Optimize(enum.Enum):
    """Optimisation flags (``tf.lite.Optimize``); accepted, but siglite does not quantize (the
    converter warns when they are set)."""

    DEFAULT = "DEFAULT"


@dataclass
class TargetSpec:
    """What the converted model may use."""

    supported_ops: set[OpsSet] = field(default_factory=lambda: {OpsSet.TFLITE_BUILTINS})
    supported_types: set[Any] = field(default_factory=set)


def _frontend(name: str) -> Callable[..., Model]:
    from .plugins import registry

    frontends = registry().frontends
    if name not in frontends:
        known = ", ".join(sorted(frontends)) or "none"
        raise ConverterError(f"no frontend named {name!r} is installed (installed: {known})")
    return frontends[name]


def _as_model(name: str, source: Any) -> Model:
    """A source of :meth:`Converter.from_models` as an IR model."""
    import os

    if isinstance(source, Model):
        return source
    if isinstance(source, Converter):
        return source._model
    if isinstance(source, (bytes, bytearray, memoryview, str, os.PathLike)):
        from .format import read_model

        return read_model(source)
    raise ConverterError(
        f"source {name!r} is a {type(source).__name__}; expected a Model, a Converter, "
        ".tflite bytes or a path"
    )


class Converter:
    """Converts a siglite :class:`Model` produced by a frontend into TFLite bytes."""

    def __init__(self, model: Model) -> None:
        self._model = model
        self.target_spec = TargetSpec()
        self.allow_custom_ops = False
        self.optimizations: set[Optimize] = set()
        self.exclude_conversion_metadata = False

    @classmethod
    def from_frontend(cls, name: str, *args: Any, **kwargs: Any) -> Converter:
        """Convert with the frontend registered under ``name``."""
        return cls(_frontend(name)(*args, **kwargs))

    @classmethod
    def from_saved_model(cls, saved_model_dir: Any, signature_keys: Any = None) -> Converter:
        return cls.from_frontend("saved_model", saved_model_dir, signature_keys=signature_keys)

    @classmethod
    def from_keras_model(cls, model: Any) -> Converter:
        return cls.from_frontend("keras", model)

    @classmethod
    def from_concrete_functions(cls, funcs: Any, trackable_obj: Any = None) -> Converter:
        return cls.from_frontend("concrete_functions", funcs, trackable_obj=trackable_obj)

    @classmethod
    def from_onnx(cls, model: Any, signature_key: str = "serving_default", **options: Any):
        return cls.from_frontend("onnx", model, signature_key=signature_key, **options)

    @classmethod
    def from_torch(cls, module: Any, sample_args: Any = None, **options: Any) -> Converter:
        return cls.from_frontend("torch", module, sample_args, **options)

    @classmethod
    def from_model(cls, model: Model) -> Converter:
        """Start from an IR model built directly (e.g. with :class:`siglite.ModelBuilder`)."""
        return cls(model)

    @classmethod
    def from_models(
        cls,
        models: Mapping[str, Any] | list[Any],
        *,
        on_conflict: str = "error",
        share_variables: Any = (),
    ) -> Converter:
        """Merge several sources into one multi-signature model (see :func:`siglite.merge_models`).

        ``models``: ``{source_name: source}`` (or a list) where a source is a :class:`Model`, a
        :class:`Converter` (its unconverted model: this converter's settings apply to the
        whole), or ``.tflite`` bytes or a path (read with :func:`siglite.read_model`).
        """
        from .merge import merge_models

        if isinstance(models, Mapping):
            named = list(models.items())
        elif isinstance(models, (list, tuple)):
            named = [(f"model{i}", src) for i, src in enumerate(models)]
        else:
            raise ConverterError("from_models takes a dict {source_name: model} or a list")
        loaded = {name: _as_model(name, src) for name, src in named}
        merged = merge_models(loaded, on_conflict=on_conflict, share_variables=share_variables)
        return cls(merged)

    def convert_model(self) -> Model:
        """The optimised, op-set-checked IR model (what :meth:`convert` writes)."""
        return self._finalize()

    def _finalize(self) -> Model:
        from .conversion import finalize

        self._warn_no_quantization()
        return finalize(self._model, self)

    def _warn_no_quantization(self) -> None:
        """TF's converter quantizes for these settings; siglite keeps the model's dtypes, so a
        model that looks quantized by its converter settings is said to be float."""
        asked = []
        if self.optimizations:
            asked.append("optimizations")
        if getattr(self, "representative_dataset", None) is not None:
            asked.append("representative_dataset")
        if OpsSet.TFLITE_BUILTINS_INT8 in set(self.target_spec.supported_ops):
            asked.append("OpsSet.TFLITE_BUILTINS_INT8")
        if asked:
            warnings.warn(
                f"siglite's converter does not quantize; {' and '.join(asked)} "
                "set on this converter have no effect, and the model keeps its float weights "
                "and tensors",
                UserWarning,
                stacklevel=4,  # the caller of convert() / convert_model()
            )

    def convert(self) -> bytes:
        """The TFLite flatbuffer bytes."""
        from .format import write_model

        return write_model(self._finalize())
