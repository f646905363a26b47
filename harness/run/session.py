"""Runs cases against targets: the reference once per case, TensorFlow in a worker per variant.

Used by both `tfconform run` (all cases, every variant's workers busy at once) and the pytest
plugin (one item at a time). Nothing here imports TensorFlow.
"""
from __future__ import annotations

import queue
import threading
import traceback
from importlib import metadata

from harness.run.execute import reference_outcome, tensors_of, tf_request
from harness.verdict.judge import LOCAL, judge
from harness.model import REFERENCE, Case, Outcome, ReferenceRun, Result, Verdict
from harness.targets import Target, process
from harness.run.pool import CHECK_PERTURB, PERTURB, Worker, interpreter, worker_env
from harness.run.snippet import snippet


def installed_tf_version() -> str | None:
    """The TensorFlow version a worker will import, read without importing it."""
    for dist in ("tensorflow", "tensorflow-cpu", "tensorflow-intel", "tf-nightly", "tf-nightly-cpu"):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return None


def wrong_values(verdict: Verdict) -> bool:
    """A failure of kind value, also when a known entry made it xfail or `changed`."""
    return verdict.kind == "value" or verdict.details.get("failure") == "value"


def same_bits(a: Outcome, b: Outcome) -> bool:
    """Two outcomes with identical outputs, bit for bit (NaN payloads included)."""
    if a.kind != "value" or b.kind != "value" or a.outputs.keys() != b.outputs.keys():
        return False
    return all(x.dtype == b.outputs[k].dtype and x.shape == b.outputs[k].shape
               and x.tobytes() == b.outputs[k].tobytes() for k, x in a.outputs.items())


def missing_tensorflow(targets: list[str]) -> str | None:
    """Why these targets cannot run here, when one needs the TensorFlow beside the harness and
    there is none; None when they can."""
    if installed_tf_version() is None and any(Target.of(t).version is None for t in targets):
        return ("TensorFlow is not installed beside tfconform: install it (pip install tensorflow-cpu, "
                "or tfconform[tf]), or run targets of an environment (tfconform env add 2.21.0; "
                "--targets '*@2.21.0')")
    return None


class Session:
    def __init__(self, timeout: float = 60.0, jobs: int = 1, cache=None, engine=None):
        self.timeout = timeout
        # Workers are processes here, or what an engine makes (harness.run.ray_engine: Ray actors).
        self._new_worker = engine.worker if engine is not None else Worker
        self.jobs = max(1, jobs)
        self.cache = cache            # an OutcomeCache (harness.run.cache), or None: always ask TF
        self.tf_version = installed_tf_version()      # the TensorFlow beside the harness
        self.versions: dict[str, str | None] = {}     # target -> the TensorFlow its worker loaded
        self.cpus: dict[str, frozenset | None] = {}   # target -> the CPU flags its worker read
        self._idle: dict[str, queue.Queue] = {}
        self._all: list[Worker] = []
        self._lock = threading.Lock()
        self._cache: dict[str, tuple] = {}
        self._case_locks: dict[str, threading.Lock] = {}
        self._fingerprints: dict[str, str] = {}      # case id -> harness.run.reuse.case_fingerprint
        self._target_parts: dict[tuple, str] = {}     # (target, TF version) -> reuse.target_digest

    def _queue(self, target: str) -> queue.Queue:
        """The idle workers of the target's process (its variant and version): every mode's."""
        name = process(target)
        with self._lock:
            if name not in self._idle:
                q = queue.Queue()
                for _ in range(self.jobs):
                    worker = self._new_worker(target, self.timeout)
                    self._all.append(worker)
                    q.put(worker)
                self._idle[name] = q
            return self._idle[name]

    def prestart(self, targets) -> None:
        """Start a worker of each target now, in the background (importing TensorFlow takes
        seconds), for targets a run knows it will ask while it is still loading its cases."""
        for target in {process(t): t for t in targets}.values():
            q = self._queue(target)
            worker = q.get()
            q.put(worker)
            threading.Thread(target=worker.warm, daemon=True).start()

    def reference(self, case: Case) -> ReferenceRun:
        """The reference's side of the case, computed once for all its targets."""
        with self._lock:
            lock = self._case_locks.setdefault(case.id, threading.Lock())
        with lock:
            if case.id not in self._cache:
                tensors = tensors_of(case)
                self._cache[case.id] = reference_outcome(case, tensors)
            return self._cache[case.id]

    def forget(self, case: Case) -> None:
        with self._lock:
            self._cache.pop(case.id, None)
            self._case_locks.pop(case.id, None)

    def result_key(self, case: Case, target: str) -> str:
        """What decides the record of this (case, target): see harness.run.reuse."""
        from harness.run import reuse
        if case.id not in self._fingerprints:
            self._fingerprints[case.id] = reuse.case_fingerprint(case)
        version = None if target == REFERENCE else self.version(target)
        if (target, version) not in self._target_parts:
            try:
                python = None if target == REFERENCE else interpreter(target)
            except LookupError:     # no environment: the run reports it; the key never matches
                python = None
            env = {} if target == REFERENCE else worker_env(target)
            self._target_parts[target, version] = reuse.target_digest(target, version, python, env)
        return reuse.result_key(self._fingerprints[case.id], self._target_parts[target, version])

    def version(self, target: str) -> str | None:
        """The TensorFlow version a target runs: its worker's, else its environment's, else the
        one installed beside the harness."""
        return self.versions.get(target) or Target.of(target).version or self.tf_version

    def tf_outcome(self, case: Case, target: str, tensors: dict, ref: Outcome | None = None,
                   upstream=None, check: bool = False) -> Outcome:
        header, arrays = tf_request(case, tensors, Target.of(target).mode, ref, upstream)
        # Memory malloc hands out is poisoned with a pattern per request (harness.run.worker); a
        # check asks again with the other pattern: cells that change were never written.
        header["perturb"] = CHECK_PERTURB if check else PERTURB
        if check or self.cache is None:        # a check must ask TensorFlow, never the cache
            return self._ask(target, header, arrays)
        key = self.cache.key(target, self.version(target), interpreter(target), worker_env(target),
                             header, arrays)
        outcome = self.cache.get(key)
        if outcome is None:
            outcome = self._ask(target, header, arrays)
            self.cache.put(key, outcome)
        outcome.cache_key = key
        return outcome

    def _ask(self, target: str, header: dict, arrays: dict) -> Outcome:
        q = self._queue(target)
        worker = q.get()
        try:
            outcome = worker.call(header, arrays)
            self.versions[target] = worker.tf_version or self.version(target)
            self.cpus[target] = worker.cpu_flags
            return outcome
        finally:
            q.put(worker)

    def run(self, case: Case, target: str, repeat: int = 2) -> Result:
        """One case on one target (or its `expect` on the reference). A result with wrong values
        is asked again (`repeat` - 1 times) with memory poisoned another way (the worker's pattern):
        values that change are uninitialised memory, which no signature of values can pin."""
        if case.skip:
            return Result(case, target, Verdict("skip", message=str(case.skip)), Outcome("skipped"))
        try:
            computed = self.reference(case)
            tensors, ref, scale, upstream = computed.tensors, computed.outcome, computed.scale, computed.upstream
            if target == REFERENCE:
                return Result(case, target, judge(case, target, ref, scale, None, None), ref, None, tensors)
            tf = self.tf_outcome(case, target, tensors, ref, upstream)
            version = self.version(target)
            verdict = judge(case, target, ref, scale, tf, version, self.cpus.get(target, LOCAL))
            # A cached outcome that was asked again before (nondeterministic False) is not asked again.
            if wrong_values(verdict) and repeat > 1 and not (tf.cache_key and tf.nondeterministic is False):
                tf.nondeterministic = any(
                    not same_bits(tf, self.tf_outcome(case, target, tensors, ref, upstream, check=True))
                    for _ in range(repeat - 1))
                verdict = judge(case, target, ref, scale, tf, version, self.cpus.get(target, LOCAL))
                if tf.cache_key and tf.nondeterministic:    # values that change are never reused
                    self.cache.drop(tf.cache_key)
                elif tf.cache_key:                           # kept as asked again
                    self.cache.put(tf.cache_key, tf)
            verdict.snippet = snippet(case, target, tensors, upstream, computed.snippet_memo)
            return Result(case, target, verdict, ref, tf, tensors, version)
        except Exception as exc:    # a bug of the harness or the reference: report, go on
            detail = "".join(traceback.format_exception(exc)[-3:])
            return Result(case, target, Verdict("fail", "harness-error", f"{type(exc).__name__}: {exc}",
                                                details={"traceback": detail}),
                          Outcome("error", error_type=type(exc).__name__, error_message=str(exc)))

    def run_all(self, cases: list[Case], targets: list[str], on_result=None,
                skip: frozenset = frozenset()) -> list[Result]:
        """Every applicable (case, target), all variants' workers busy at once, and each case's own
        `expect` checked on the reference once; results in case order then target order,
        whatever order they finished in. `on_result(result)` sees each as it comes, with its
        inputs; the list returned holds none (memory holds one case's tensors at a time).
        `skip`: (case id, target) pairs not to run (a rerun has their records already)."""
        targets = [REFERENCE] + [t for t in targets if t != REFERENCE]
        pairs = [(c, t) for c in cases for t in targets if c.applies_to(t) and (c.id, t) not in skip]
        remaining = {}
        for case, _ in pairs:
            remaining[case.id] = remaining.get(case.id, 0) + 1
        done_lock = threading.Lock()

        def work(todo: queue.Queue) -> None:
            while True:
                try:
                    index, case, target = todo.get_nowait()
                except queue.Empty:
                    return
                result = self.run(case, target)
                if on_result:
                    on_result(result)
                result.inputs = None
                results[index] = result
                with done_lock:
                    remaining[case.id] -= 1
                    if remaining[case.id] == 0:
                        self.forget(case)      # tensors are dropped once every target ran

        # Threads per process (a variant's workers; the reference's own), each taking its pairs
        # in case order, every mode of a case in turn: what a worker ran before a call (its heap,
        # what cells a kernel leaves unwritten show) is the same from run to run, and a slow or
        # hanging call holds up its own variant only.
        results: list = [None] * len(pairs)
        todo: dict[str, queue.Queue] = {}
        for index, (case, target) in enumerate(pairs):
            name = REFERENCE if target == REFERENCE else process(target)
            todo.setdefault(name, queue.Queue()).put((index, case, target))
        threads = [threading.Thread(target=work, args=(q,), daemon=True)
                   for q in todo.values() for _ in range(self.jobs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results

    def retire(self, targets: list[str]) -> None:
        """Stop the workers of these targets (started again if a later call needs them)."""
        with self._lock:
            names = {process(t) for t in targets}
            workers = [w for w in self._all if process(w.target) in names]
        for worker in workers:
            worker.close()

    def close(self) -> None:
        # Side by side: a local worker is killed at once, but a Ray actor's worker is asked to exit.
        threads = [threading.Thread(target=worker.close) for worker in self._all]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
