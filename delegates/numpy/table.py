"""The numpy delegate's kernel table; kernel modules register into it on import."""

from siglite.delegate import KernelTable

KERNELS = KernelTable("numpy")
