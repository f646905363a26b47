"""Splitting a primitive's work into blocks of output rows, and running the blocks.

A block is (images, rows): a slice of the batch and a slice of the first spatial output dimension.
Blocks bound the temporaries (patches, padded input) to a budget and keep them in cache. Memory-bound
work (pooling's ufuncs, the depthwise einsum) runs its blocks on two threads: numpy releases the GIL
inside those loops, and blocks write disjoint parts of the output with the same arithmetic in the
same order, so the result does not depend on the schedule. (GEMM blocks run in order: OpenBLAS
already uses both cores.)
"""
from concurrent.futures import ThreadPoolExecutor

THREADS = 2
_pool = None


def row_blocks(batch, rows, row_bytes, budget):
    """(images, rows) slices covering batch x rows, each about `budget` bytes at row_bytes per output row
    (whole images grouped when one image fits, otherwise one image in row bands; at least one row)."""
    per_image = row_bytes * rows
    if per_image <= budget:
        step = max(1, budget // max(per_image, 1))
        return [(slice(b, min(b + step, batch)), slice(0, rows)) for b in range(0, batch, step)]
    step = max(1, budget // max(row_bytes, 1))
    return [(slice(b, b + 1), slice(r, min(r + step, rows))) for b in range(batch) for r in range(0, rows, step)]


def run(fn, blocks, threads=False):
    """fn(images, rows) for every block; on THREADS threads when asked and there is more than one block."""
    global _pool
    if not threads or THREADS < 2 or len(blocks) < 2:
        for b in blocks:
            fn(*b)
        return
    if _pool is None:
        _pool = ThreadPoolExecutor(THREADS, thread_name_prefix="reference")
    for _ in _pool.map(lambda b: fn(*b), blocks):  # re-raises the first exception
        pass
