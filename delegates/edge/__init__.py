"""An integer-only edge-accelerator delegate modelled on Edge-TPU-class NPUs."""

from .delegate import EDGE_OPS, EdgeDelegate

__all__ = ["EDGE_OPS", "EdgeDelegate"]
