"""Time the numpy reference against tf.nn (float32, eager) on typical shapes, side by side in one run.

    python bench/bench_reference.py [--reps N] [--quick] [--keep-env]

Prints, per shape, the best-of-N time of each, their ratio, the reference's peak traced temporary
memory (tracemalloc sees numpy's allocations), the median ratio, and the BLAS kernel numpy ran.
The reference computes in float64 on one process, so a ratio of a few is expected; TensorFlow is
imported only here.

This workplace sets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for older OpenBLAS builds; they pin a
current numpy's OpenBLAS to a slower kernel (Haswell instead of SkylakeX here). To benchmark against
a current numpy the script re-executes itself once with both removed, for this command only (tests
and CI keep them); --keep-env measures with them.
"""
import os
import sys

OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if "--keep-env" not in sys.argv and not os.environ.get("_BENCH_REEXEC") and any(v in os.environ for v in OVERRIDES):
    env = {k: v for k, v in os.environ.items() if k not in OVERRIDES}
    env["_BENCH_REEXEC"] = "1"
    os.execve(sys.executable, [sys.executable, *sys.argv], env)  # before numpy loads OpenBLAS

import argparse
import functools
import statistics
import time
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import reference


def blas_kernel():
    """The BLAS numpy runs and the kernel it picked (threadpoolctl, if installed)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl not installed)"
    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return ", ".join(f"{i.get('internal_api')} {i.get('version')} kernel {i.get('architecture')} "
                     f"threads {i.get('num_threads')}" for i in blas) or "none found"


def cases(quick):
    rng = np.random.default_rng(0)

    def r(*shape):
        return rng.standard_normal(shape).astype(np.float32)

    b = 2 if quick else 8
    x1, w1 = r(b, 56, 56, 64), r(3, 3, 64, 64)
    x2, w2 = r(b // 2, 224, 224, 3), r(7, 7, 3, 64)
    x3, w3 = r(max(1, b // 2), 64, 64, 256), r(3, 3, 256, 256)
    x4, w4 = r(b, 56, 56, 128), r(3, 3, 128, 1)
    x5, w5 = r(b, 28, 28, 128), r(2, 2, 64, 128)
    x6 = r(b, 112, 112, 64)
    return [
        (f"conv2d {x1.shape}*{w1.shape} SAME", "conv2d", (x1, w1), dict(strides=1, padding="SAME")),
        (f"conv2d stem {x2.shape}*{w2.shape} s2 SAME", "conv2d", (x2, w2), dict(strides=2, padding="SAME")),
        (f"atrous_conv2d {x3.shape}*{w3.shape} rate 12 SAME", "atrous_conv2d", (x3, w3), dict(rate=12, padding="SAME")),
        (f"depthwise_conv2d {x4.shape}*{w4.shape} SAME", "depthwise_conv2d", (x4, w4),
         dict(strides=[1, 1, 1, 1], padding="SAME")),
        (f"conv2d_transpose {x5.shape}*{w5.shape} s2 -> {(b, 56, 56, 64)}", "conv2d_transpose", (x5, w5),
         dict(output_shape=[b, 56, 56, 64], strides=2, padding="SAME")),
        (f"max_pool2d {x6.shape} 3x3 s2 SAME", "max_pool2d", (x6,), dict(ksize=3, strides=2, padding="SAME")),
    ]


def best_of(fns, rounds):
    """Best time of each fn over `rounds` rounds, each round running every fn once (after a warm-up
    round), so that a transient slowdown of this shared machine spreads over the cases."""
    best = [float("inf")] * len(fns)
    for r in range(rounds + 1):
        for i, fn in enumerate(fns):
            t = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - t) if r else best[i]
    return best


def peak_temporaries(fn):
    """Peak bytes allocated during fn(), less its result."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    result = fn()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    result_bytes = sum(np.asarray(a).nbytes for a in (result if isinstance(result, tuple) else (result,)))
    return max(peak - result_bytes, 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="smaller batches")
    ap.add_argument("--keep-env", action="store_true", help="keep OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE")
    args = ap.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # The reference is timed before TensorFlow is imported: in the harness it never shares a process
    # with TF, and TF's thread pools make OpenBLAS's timings erratic here.
    todo = cases(args.quick)
    ref_fns = [functools.partial(getattr(reference, op), *tensors, **kwargs) for _, op, tensors, kwargs in todo]
    ref_times = best_of(ref_fns, args.reps)
    peaks = [peak_temporaries(fn) for fn in ref_fns]
    import tensorflow as tf

    tf_fns = []
    for _, op, tensors, kwargs in todo:
        tf_tensors = [tf.constant(t) for t in tensors]
        tf_fns.append(lambda op=op, tf_tensors=tf_tensors, kwargs=kwargs: getattr(tf.nn, op)(*tf_tensors, **kwargs).numpy())
    tf_times = best_of(tf_fns, max(args.reps, 5))

    ratios = [r / t for r, t in zip(ref_times, tf_times)]
    print(f"{'case':<72} {'ref ms':>9} {'tf ms':>8} {'ratio':>7} {'ref peak tmp MiB':>17}")
    for (name, *_), t_ref, t_tf, ratio, peak in zip(todo, ref_times, tf_times, ratios, peaks):
        print(f"{name:<72} {t_ref * 1e3:9.1f} {t_tf * 1e3:8.1f} {ratio:7.1f} {peak / 2**20:17.1f}")
    print(f"median ratio (reference float64 / tf.nn float32): {statistics.median(ratios):.1f}")
    print(f"TF {tf.__version__}, numpy {np.__version__}, TF_ENABLE_ONEDNN_OPTS={os.environ.get('TF_ENABLE_ONEDNN_OPTS', 'default')}, "
          f"cpus={os.cpu_count()}; " + ", ".join(f"{v}={os.environ.get(v, 'unset')}" for v in OVERRIDES))
    print(f"BLAS: {blas_kernel()}")


if __name__ == "__main__":
    main()
