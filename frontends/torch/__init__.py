"""The PyTorch frontend: ``torch.export`` programs (core ATen) to siglite models.

``sl.Converter.from_torch(module, sample_args)`` and
``sl.Converter.from_torch({"encode": (m, args), "classify": (f, args)})`` call
:func:`convert_torch`. ``torch`` is imported only when a conversion runs.
"""

from __future__ import annotations

from typing import Any


def convert_torch(module: Any, sample_args: Any = None, **options: Any):
    """Convert a module or callable (or a dict of signatures) to a siglite Model.

    See :func:`siglite.frontends.torch.frontend.convert` for the options.
    """
    from .frontend import convert

    return convert(module, sample_args, **options)


__all__ = ["convert_torch"]
