"""A TensorFlow worker process: `python -m harness.worker MODE` runs requests from stdin.

This is the only module that imports TensorFlow. The judge starts one per target with
TF_ENABLE_ONEDNN_OPTS already set (it is read once, when TensorFlow loads), so a crash or a hang
here costs one case, never the run. Protocol: harness.wire messages on the original stdout; the
process's own fd 1 is pointed at stderr so that anything TensorFlow prints cannot corrupt it.
"""
from __future__ import annotations

import faulthandler
import os
import signal
import sys
import time


def _protocol_streams():
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    return sys.stdin.buffer, out


def _selftest(op: str):
    """Deliberate failures, used by the harness's own tests of crash and timeout isolation."""
    if op == "_selftest_crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    if op == "_selftest_abort":
        os.abort()
    if op == "_selftest_hang":
        time.sleep(3600)
    if op == "_selftest_exit":
        os._exit(3)


def _to_tf_args(tf, args: dict) -> dict:
    return {k: tf.as_dtype(v) if k.endswith("dtype") and isinstance(v, str) else v
            for k, v in args.items()}


def run(tf, header: dict, arrays: dict):
    """Run one request; returns (reply header, output arrays)."""
    import numpy as np

    from harness.wire import to_wire

    op, mode = header["op"], header["mode"]
    if op.startswith("_selftest"):
        _selftest(op)
        return {"kind": "value", "dtypes": {}}, {"output": arrays[header["names"][0]]}
    fn = getattr(tf.nn, op)
    args = _to_tf_args(tf, header["args"])
    names = header["names"]
    try:
        tensors = [tf.constant(arrays[n], dtype=tf.as_dtype(header["dtypes"][n])) for n in names]

        def call(*ts):
            return fn(**dict(zip(names, ts)), **args)

        if mode == "function":
            call = tf.function(call, autograph=False)
        elif mode == "xla":
            call = tf.function(call, autograph=False, jit_compile=True)
        result = call(*tensors)
        results = result if isinstance(result, (tuple, list)) else (result,)
        if len(results) != len(header["outputs"]):
            raise TypeError(f"tf.nn.{op} returned {len(results)} outputs, expected {len(header['outputs'])}")
        outputs, dtypes = {}, {}
        for name, value in zip(header["outputs"], results):
            outputs[name], dtypes[name] = to_wire(np.asarray(value.numpy()))
        return {"kind": "value", "dtypes": dtypes}, outputs
    except Exception as exc:  # every error TF raises is an outcome to judge, not a worker failure
        return {"kind": "error", "error_type": type(exc).__name__, "message": str(exc)}, {}


def main() -> None:
    inp, out = _protocol_streams()
    faulthandler.enable()       # a crash leaves a Python traceback in the log the judge reports
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    from harness.wire import read_message, write_message

    write_message(out, {"hello": True, "tf_version": tf.__version__, "pid": os.getpid(),
                        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS")})
    while True:
        try:
            header, arrays = read_message(inp)
        except EOFError:
            return
        start = time.perf_counter()
        reply, outputs = run(tf, header, arrays)
        reply["seconds"] = time.perf_counter() - start
        write_message(out, reply, outputs)


if __name__ == "__main__":
    main()
