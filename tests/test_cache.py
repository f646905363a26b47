"""The outcome cache: outcomes read back exactly (bfloat16, errors, crashes); the key changes with
anything that decides TensorFlow's answer and nothing else; timeouts and values that change from
call to call are never reused; the folder stays within its bound. Session runs reuse cached
outcomes without asking a worker. No TensorFlow: the workers are stand-ins."""
import os
import sys
import time

import ml_dtypes
import numpy as np
import pytest

from harness.model import Outcome
from harness.run.cache import OutcomeCache
from harness.run.pool import CHECK_PERTURB
from harness.run.session import Session
from test_judge import make_case

HEADER = {"mode": "eager", "steps": [{"op": "conv2d", "args": {"strides": 1, "padding": "VALID"}}]}
ARRAYS = {"0:input": np.ones((1, 2, 2, 1), np.float32)}
ENV = {"TF_ENABLE_ONEDNN_OPTS": "1", "MALLOC_PERTURB_": "165", "HOME": "/root"}


def key(cache, target="eager/onednn", tf="2.21.0", interpreter="/py", env=ENV, header=HEADER, arrays=ARRAYS):
    return cache.key(target, tf, interpreter, env, header, arrays)


def test_outcomes_read_back_exactly(tmp_path):
    cache = OutcomeCache(tmp_path)
    bf = np.array([[1.5, -0.0], [np.nan, np.inf]], ml_dtypes.bfloat16)
    cases = [Outcome("value", outputs={"output": bf, "grad_input": np.arange(6, dtype=np.float64).reshape(2, 3)},
                     seconds=0.5, nondeterministic=False),
             Outcome("error", error_type="InvalidArgumentError", error_message="bad ∂ input", origin="tensorflow"),
             Outcome("crash", signal="SIGFPE", error_message="TensorFlow worker died (SIGFPE)", log="Fatal")]
    for i, outcome in enumerate(cases):
        cache.put(str(i) * 64, outcome)
        back = cache.get(str(i) * 64)
        assert (back.kind, back.error_type, back.error_message, back.signal, back.log, back.origin,
                back.nondeterministic) == (outcome.kind, outcome.error_type, outcome.error_message,
                                           outcome.signal, outcome.log, outcome.origin, outcome.nondeterministic)
        assert back.outputs.keys() == outcome.outputs.keys()
        for name, array in outcome.outputs.items():
            assert back.outputs[name].dtype == array.dtype and back.outputs[name].shape == array.shape
            assert back.outputs[name].tobytes() == array.tobytes()
    assert cache.get("f" * 64) is None and (cache.hits, cache.misses) == (3, 1)


def test_timeouts_and_changing_values_are_never_kept(tmp_path):
    cache = OutcomeCache(tmp_path)
    cache.put("a" * 64, Outcome("timeout", error_message="no answer within 60 s"))
    cache.put("b" * 64, Outcome("value", outputs={"output": np.zeros(2)}, nondeterministic=True))
    assert cache.files() == []


def test_the_key_holds_what_decides_the_answer(tmp_path):
    cache = OutcomeCache(tmp_path)
    k = key(cache)
    assert k == key(cache, env={**ENV, "HOME": "/elsewhere"})          # not a TensorFlow setting
    assert k == key(cache, target="eager/eigen")                        # the variant is its env
    # One interpreter, however named (a console script says python3 where `python -m` says python).
    here = os.path.dirname(sys.executable)
    names = [n for n in ("python", "python3") if os.path.exists(os.path.join(here, n))]
    assert len({key(cache, interpreter=os.path.join(here, n)) for n in names}) == 1
    others = [key(cache, target="function/onednn"), key(cache, tf="2.20.0"), key(cache, interpreter="/py2"),
              key(cache, env={**ENV, "TF_ENABLE_ONEDNN_OPTS": "0"}), key(cache, env={**ENV, "ONEDNN_MAX_CPU_ISA": "AVX2"}),
              key(cache, header={**HEADER, "mode": "function"}),
              key(cache, arrays={"0:input": np.ones((1, 2, 2, 1), np.float64)}),
              key(cache, arrays={"0:input": np.ones((1, 4, 1, 1), np.float32)}),
              key(cache, arrays={"0:input": np.full((1, 2, 2, 1), 2, np.float32)})]
    assert len({k, *others}) == len(others) + 1


def test_trim_removes_the_least_recently_used(tmp_path):
    cache = OutcomeCache(tmp_path, max_bytes=0)
    for i in range(3):
        cache.put(str(i) * 64, Outcome("value", outputs={"output": np.zeros(1000)}))
        os.utime(cache._path(str(i) * 64), (time.time() - 100 + i, time.time() - 100 + i))
    size = cache._path("0" * 64).stat().st_size
    cache.max_bytes = 2 * size
    cache.get("0" * 64)                     # used last: kept
    assert cache.trim() == 1
    assert cache.get("1" * 64) is None and cache.get("0" * 64) is not None and cache.get("2" * 64) is not None
    assert cache.clear() == (2, 2 * size) and cache.files() == []


class StandIn:
    """Answers in place of TensorFlow workers; counts the calls."""
    def __init__(self, outputs, changing=False):
        self.outputs, self.changing, self.calls = outputs, changing, 0

    def ask(self, target, header, arrays):
        """A check asks with the other poison pattern (harness.run.worker): changing values differ."""
        self.calls += 1
        changed = self.changing and header["perturb"] == CHECK_PERTURB
        return Outcome("value", outputs={k: v + (1 if changed else 0) for k, v in self.outputs.items()})


@pytest.mark.parametrize("values, changing, status, second_calls", [
    (4.0, False, "pass", 0),        # right values: reused
    (9.0, False, "fail", 0),        # wrong values, the same when asked again: reused, not asked again
    (9.0, True, "fail", 2),         # wrong values that change: never reused
])
def test_a_session_reuses_what_it_may(tmp_path, monkeypatch, values, changing, status, second_calls):
    stand_in = StandIn({"output": np.full((1, 1, 1, 1), values, np.float32)}, changing)
    monkeypatch.setattr(Session, "_ask", lambda self, t, h, a: stand_in.ask(t, h, a))
    case = make_case()
    first = Session(cache=OutcomeCache(tmp_path)).run(case, "eager/eigen")
    calls = stand_in.calls
    second = Session(cache=OutcomeCache(tmp_path)).run(case, "eager/eigen")
    assert first.status == second.status == status
    assert stand_in.calls - calls == second_calls
    assert second.tf.nondeterministic == (changing if status == "fail" else None)
