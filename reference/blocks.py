"""Splitting a primitive's work into blocks of output rows, and running the blocks.

A block is (images, rows): a slice of the batch and a slice of the first spatial output dimension.
Blocks bound the temporaries (patches, padded input) to a budget and keep them in cache, and run on
two threads: numpy releases the GIL inside its loops and GEMMs, and blocks write disjoint parts of
the output with the same arithmetic in the same order, so the result does not depend on the schedule.
GEMM blocks run there only when numpy's OpenBLAS can be made single-threaded meanwhile (its
openblas_set_num_threads_local sets the process-wide thread count and returns the previous one,
restored after the run): OpenBLAS's own threads synchronise at every call, and on a loaded 2-core
machine each call then waits for the scheduler (measured: a 6272x128x64 float64 GEMM as 4 blocks,
59 ms in order on OpenBLAS's 2 threads, 2 ms on two single-threaded workers). Otherwise GEMM blocks
run in order on BLAS's threads. (OpenBLAS's threads split a GEMM's rows and columns, not its sums:
the results are bit-identical either way.)
"""
import ctypes
import glob
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

THREADS = 2
_pool = None
_in_worker = threading.local()


def _blas_threads_setter():
    """openblas_set_num_threads_local of the OpenBLAS bundled with numpy (0.3.27+), or None."""
    here = os.path.dirname(np.__file__)
    for where in (os.path.join(os.pardir, "numpy.libs"), ".dylibs"):  # numpy's wheels: Linux and Windows, macOS
        for lib in glob.glob(os.path.join(here, where, "*openblas*")):
            try:
                return ctypes.CDLL(lib).openblas_set_num_threads_local  # the library numpy already loaded
            except (OSError, AttributeError):
                continue
    return None


_set_blas_threads = _blas_threads_setter()
GEMM_THREADS = _set_blas_threads is not None  # GEMM blocks may run on the pool (BLAS single-threaded meanwhile)


def row_blocks(batch, rows, row_bytes, budget):
    """(images, rows) slices covering batch x rows, each about `budget` bytes at row_bytes per output row
    (whole images grouped when one image fits, otherwise one image in row bands; at least one row)."""
    per_image = row_bytes * rows
    if per_image <= budget:
        step = _even(batch, max(1, budget // max(per_image, 1)))
        return [(slice(b, min(b + step, batch)), slice(0, rows)) for b in range(0, batch, step)]
    step = _even(rows, max(1, budget // max(row_bytes, 1)))
    return [(slice(b, b + 1), slice(r, min(r + step, rows))) for b in range(batch) for r in range(0, rows, step)]


def _even(total, step):
    """step, evened out over the same number of blocks: the threads' shares balance."""
    return max(1, -(-total // max(1, -(-total // step))))


def _worker():
    _in_worker.yes = True


def run(fn, blocks, threads=False):
    """fn(*block) for every block; on THREADS threads when asked and there is more than one block. A run
    inside a block (a phase's convolution) is serial: the threads are already busy (waiting on them from
    one of them could deadlock)."""
    global _pool
    if not threads or THREADS < 2 or len(blocks) < 2 or getattr(_in_worker, "yes", False):
        for b in blocks:
            fn(*b)
        return
    if _pool is None:
        _pool = ThreadPoolExecutor(THREADS, thread_name_prefix="reference", initializer=_worker)
    previous = _set_blas_threads(1) if _set_blas_threads else None
    try:
        for _ in _pool.map(lambda b: fn(*b), blocks):  # re-raises the first exception
            pass
    finally:
        if previous is not None:
            _set_blas_threads(previous)
