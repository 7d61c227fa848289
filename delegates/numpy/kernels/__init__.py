"""Kernel modules of the numpy delegate, one per op family; importing registers them."""
