"""One BLAS thread while a model is fitted: small linear algebra is faster without threads.

The optimiser (scipy's L-BFGS-B) calls BLAS on 4x4 problems a few hundred times per fit. With
OpenBLAS's default of one thread per core, each call wakes the other threads, which on a loaded
machine costs far more than the arithmetic: a BG/NBD fit on 500 customers took 0.19 s with the
default threads and 0.014 s with one, on this project's 2-core machine under load (same
estimates, same iterations). :func:`single_blas_thread` sets the OpenBLAS libraries that numpy
and scipy bundle to one thread for the duration of a fit and restores the previous count. Where
the libraries cannot be found (another BLAS, another platform) it does nothing.
"""

from __future__ import annotations

import ctypes
import glob
import os
from contextlib import contextmanager

__all__ = ["single_blas_thread"]

_LIBS: list[tuple[object, object]] | None = None


def _openblas_controls() -> list[tuple[object, object]]:
    """(get, set) thread-count functions of each bundled OpenBLAS, found once."""
    global _LIBS
    if _LIBS is not None:
        return _LIBS
    found = []
    try:
        import numpy
        import scipy

        folders = [
            os.path.join(os.path.dirname(os.path.dirname(m.__file__)), f"{m.__name__}.libs")
            for m in (numpy, scipy)
        ]
        for folder in folders:
            for path in glob.glob(os.path.join(folder, "*openblas*")):
                lib = ctypes.CDLL(path)
                for suffix in ("", "64_"):
                    get = getattr(lib, f"scipy_openblas_get_num_threads{suffix}", None)
                    put = getattr(lib, f"scipy_openblas_set_num_threads{suffix}", None)
                    if get is not None and put is not None:
                        get.restype = ctypes.c_int
                        put.argtypes = [ctypes.c_int]
                        found.append((get, put))
                        break
    except (OSError, AttributeError, ImportError):  # pragma: no cover - platform dependent
        found = []
    _LIBS = found
    return found


@contextmanager
def single_blas_thread():
    """Run the block with every bundled OpenBLAS on one thread; restore the counts after."""
    controls = _openblas_controls()
    before = []
    for get, put in controls:
        n = int(get())
        before.append(n)
        if n != 1:
            put(1)
    try:
        yield
    finally:
        for (_, put), n in zip(controls, before, strict=True):
            if n != 1:
                put(n)
