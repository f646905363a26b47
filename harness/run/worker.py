"""A TensorFlow worker process: `python -m harness.run.worker MODE` runs requests from stdin.

This is the only module that imports TensorFlow. The judge starts one per target with
TF_ENABLE_ONEDNN_OPTS already set (it is read once, when TensorFlow loads), so a crash or a hang
here costs one case, never the run. Protocol: harness.run.wire messages on the original stdout; the
process's own fd 1 is pointed at stderr so that anything TensorFlow prints cannot corrupt it.
"""
from __future__ import annotations

import faulthandler
import os
import re
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


def _function(tf, path: str):
    """tf.<path>: "nn.conv2d", "image.extract_patches"."""
    fn = tf
    for part in path.split("."):
        fn = getattr(fn, part)
    return fn


class HarnessError(Exception):
    """The harness, not TensorFlow, could not make the call (e.g. an argument this TF lacks)."""


def _check_arguments(fn, op: str, kwargs: dict) -> None:
    """tf.nn's wrappers turn an unknown keyword into a TypeError raised inside TensorFlow's own
    code; bind first, so that the harness passing an argument this TF does not take is the
    harness's error, not TensorFlow rejecting the call."""
    import inspect
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return
    unknown = sorted(set(kwargs) - set(params))
    if unknown:
        raise HarnessError(f"tf.{op} takes no argument {', '.join(unknown)} in this TensorFlow")


def _origin(tf, exc: BaseException) -> str:
    """"tensorflow" when the innermost frame of the exception's traceback is TensorFlow's code
    (TF raised it, also from C++ through its Python bindings); "harness" otherwise."""
    import traceback
    if isinstance(exc, HarnessError):
        return "harness"
    frames = traceback.extract_tb(exc.__traceback__)
    tf_dir = os.path.dirname(os.path.abspath(tf.__file__))
    packages = [tf_dir, os.path.join(os.path.dirname(tf_dir), "keras"), os.path.join(os.path.dirname(tf_dir), "tf_keras")]
    inner = os.path.abspath(frames[-1].filename) if frames else ""
    return "tensorflow" if any(inner.startswith(p + os.sep) for p in packages) else "harness"


def _program(tf, header: dict):
    """A function of the input tensors computing every step, its gradients and receptive field.

    header["steps"]: [{op, args, names, outputs, feed}]; step i's tensors are the arrays named
    "i:<arg>", and `feed` names the argument that takes the previous step's first output (chains).
    header["grad"]: tensor keys to differentiate with respect to, given the arrays
    "upstream:<output>" as output gradients (a vector-Jacobian product, as TF's own tests do).
    header["receptive_field"]: spatial axes of the first input and of the last output; the
    support of the gradient of the centre output element says what the chain really sees.
    """
    steps, grad_keys, rf = header["steps"], header.get("grad") or [], header.get("receptive_field")

    def forward(feeds):
        results, previous = {}, None
        for i, step in enumerate(steps):
            kwargs = {n: feeds[f"{i}:{n}"] for n in step["names"]}
            if step.get("feed"):
                kwargs[step["feed"]] = previous
            fn, args = _function(tf, step.get("tf") or f"nn.{step['op']}"), _to_tf_args(tf, step["args"])
            _check_arguments(fn, step.get("tf") or step["op"], {**kwargs, **args})
            out = fn(**kwargs, **args)
            outs = out if isinstance(out, (tuple, list)) else (out,)
            if len(outs) != len(step["outputs"]):
                raise HarnessError(f"tf.nn.{step['op']} returned {len(outs)} outputs, "
                                f"expected {len(step['outputs'])}")
            results.update(zip(step["outputs"], outs))
            previous = outs[0]
        return results

    def program(feeds, upstream):
        if not grad_keys and not rf:
            return forward(feeds)
        with tf.GradientTape(persistent=True) as tape:
            for key in grad_keys:
                tape.watch(feeds[key])
            first = feeds[f"0:{steps[0]['names'][0]}"]
            tape.watch(first)
            results = forward(feeds)
            if rf:
                last = results[steps[-1]["outputs"][0]]
                centre = [0] * len(last.shape)
                for axis in rf["output_axes"]:
                    centre[axis] = last.shape[axis] // 2
                probe = last[tuple(centre)]
        if grad_keys:
            names = list(upstream)
            grads = tape.gradient([results[n] for n in names], [feeds[k] for k in grad_keys],
                                  output_gradients=[upstream[n] for n in names])
            for key, g in zip(grad_keys, grads):
                if g is not None:
                    results["grad_" + key.partition(":")[2]] = g
        if rf:
            seen = tf.not_equal(tape.gradient(probe, first), 0)
            extents = []
            for axis in rf["input_axes"]:
                others = [a for a in range(len(first.shape)) if a != axis]
                hit = tf.where(tf.reduce_any(seen, axis=others))
                extents.append(tf.reduce_max(hit) - tf.reduce_min(hit) + 1)
            results["receptive_field"] = tf.stack(extents)
        return results
    return program


def run(tf, header: dict, arrays: dict):
    """Run one request; returns (reply header, output arrays)."""
    import numpy as np

    from harness.run.wire import to_wire

    first = header["steps"][0]
    if first["op"].startswith("_selftest"):
        _selftest(first["op"])
        return {"kind": "value", "dtypes": {}}, {"output": arrays[f"0:{first['names'][0]}"]}
    try:
        dtypes = header["dtypes"]
        feeds = {k: tf.constant(v, dtype=tf.as_dtype(dtypes[k])) for k, v in arrays.items()
                 if not k.startswith("upstream:")}
        upstream = {k.partition(":")[2]: tf.constant(v, dtype=tf.as_dtype(dtypes[k]))
                    for k, v in arrays.items() if k.startswith("upstream:")}
        program = _program(tf, header)
        if header["mode"] == "function":
            program = tf.function(program, autograph=False)
        elif header["mode"] == "xla":
            program = tf.function(program, autograph=False, jit_compile=True)
        results = program(feeds, upstream)
        outputs, out_dtypes = {}, {}
        for name, value in results.items():
            outputs[name], out_dtypes[name] = to_wire(np.asarray(value.numpy()))
        return {"kind": "value", "dtypes": out_dtypes}, outputs
    except Exception as exc:  # every error TF raises is an outcome to judge, not a worker failure
        return {"kind": "error", "error_type": type(exc).__name__, "message": stable_message(str(exc)),
                "origin": _origin(tf, exc)}, {}


_ATTRS = "with these attrs: ["


def stable_message(message: str) -> str:
    """TensorFlow's error text without what says where this process has been rather than what
    TensorFlow did, which would make a resumed or cached run's results differ from a whole run's:
    a traced function's name counts the functions traced before (__inference_program_84);
    protobuf's debug format marks each proto it prints with a link and spaces picked at random
    (goo.gle/debugstr, goo.gle/debugonly, ...); "No OpKernel ... with these attrs: [...]" lists a
    node's attributes in hash order, which differs from process to process (sorted here)."""
    message = re.sub(r"(__inference_\w+?)_\d+\b", r"\1", message)
    message = re.sub(r"goo\.gle/debug\w*\s*", "", message)
    start = message.find(_ATTRS)
    while start != -1:
        begin = end = start + len(_ATTRS)
        depth = 1
        while end < len(message) and depth:
            depth += {"[": 1, "]": -1}.get(message[end], 0)
            end += 1
        if depth:           # no closing bracket: left as it is
            break
        attrs = re.split(r", (?=[A-Za-z_]\w*=)", message[begin:end - 1])
        message = message[:begin] + ", ".join(sorted(attrs)) + message[end - 1:]
        start = message.find(_ATTRS, end)
    return message


M_PERTURB = -6      # glibc's malloc.h


def _poison(byte: int | None) -> None:
    """Poison what malloc hands out with this request's pattern (glibc's mallopt(M_PERTURB), which
    MALLOC_PERTURB_ sets at start): asking again with another pattern tells uninitialised memory
    without a second TensorFlow process. Elsewhere (no glibc) nothing is poisoned either way."""
    if byte is None:
        return
    try:
        import ctypes
        ctypes.CDLL(None).mallopt(M_PERTURB, int(byte))
    except (OSError, AttributeError):
        pass


def main() -> None:
    inp, out = _protocol_streams()
    faulthandler.enable()       # a crash leaves a Python traceback in the log the judge reports
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    # TF trims its own frames from tracebacks; _origin needs them to tell its errors from ours.
    tf.debugging.disable_traceback_filtering()

    from harness.run.wire import read_message, write_message

    from harness.machine import cpu_flags
    flags = cpu_flags()
    write_message(out, {"hello": True, "tf_version": tf.__version__, "pid": os.getpid(),
                        "cpu_flags": sorted(flags) if flags is not None else None,
                        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS")})
    while True:
        try:
            header, arrays = read_message(inp)
        except EOFError:
            return
        _poison(header.get("perturb"))
        start = time.perf_counter()
        reply, outputs = run(tf, header, arrays)
        reply["seconds"] = time.perf_counter() - start
        write_message(out, reply, outputs)


if __name__ == "__main__":
    main()
