"""Delegates: back ends that run siglite models (numpy reference, CuPy, edge accelerator)."""
