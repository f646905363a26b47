"""The Ray engine: `tfconform run|sweep --engine ray [--address ADDR]` runs each TensorFlow worker
in a Ray actor, on a local Ray instance or on a cluster, while the judging stays in this process.

An actor hosts a harness Worker (harness.run.pool) for one variant, so a TensorFlow crash kills the
worker's subprocess inside the actor and is a `crash` outcome, as with the local engine. A lost
actor or node (Ray's RayActorError, ObjectLostError) is no outcome: the request goes to a new
actor. Ray is imported here only, when the engine is made: it stays an optional extra
(`pip install 'tfconform[ray]'`).
"""
from __future__ import annotations

import os
import sys
import threading
from importlib.util import find_spec
from pathlib import Path

from harness.run.pool import Worker, interpreter, worker_env
from harness.targets import Target, process, variants

ENGINES = ("local", "ray")
ATTEMPTS = 5        # actors lost in a row on one request before the request is a harness error
# Variables whose values in every worker are the driver's (as they were before Ray started), not
# the actor process's: what TensorFlow, oneDNN and OpenMP read, and what Ray sets in its workers.
# Ray's OMP_NUM_THREADS=1 would resize oneDNN's thread pool; its other variables, by their mere
# size, shift the worker's heap and so what the outputs of kernels that leave cells unwritten hold.
# (CUDA_VISIBLE_DEVICES stays Ray's to set: the GPUs it gave the actor.)
STEERING = ("TF_", "ONEDNN_", "DNNL_", "OMP_", "KMP_", "MKL_", "TFCONFORM_", "RAY_", "SPT_NOENV",
            "PYTHONBREAKPOINT")


def add_arguments(parser) -> None:
    parser.add_argument("--engine", choices=ENGINES, default=None,
                        help="where TensorFlow workers run: local processes (default) or Ray actors")
    parser.add_argument("--address", default=None, metavar="ADDR",
                        help="the Ray cluster to join (e.g. ray://head:10001 or auto; implies --engine ray); "
                             "default: a local Ray instance")


def make_engine(engine: str | None, address: str | None) -> RayEngine | None:
    """The engine the arguments ask for: None for local processes. A usage error (Ray missing,
    --address with --engine local) is printed and exits 2, as argparse's errors do."""
    kind = engine or ("ray" if address else "local")
    if kind == "local":
        if address:
            _usage_error("--address names a Ray cluster: use it with --engine ray")
        return None
    if find_spec("ray") is None:
        _usage_error("--engine ray needs Ray, which is not installed: pip install 'tfconform[ray]' "
                     "(or pip install 'ray[default]')")
    return RayEngine(address)


def _usage_error(message: str):
    print(f"tfconform: {message}", file=sys.stderr)
    raise SystemExit(2)


class RayEngine:
    """Makes RayWorkers; joins the cluster at `address`, else starts a local instance with
    `num_cpus` (default: this machine's cores). Ray already initialised in this process (a
    user's script, a test) is used as it is."""

    def __init__(self, address: str | None = None, num_cpus: int | None = None,
                 runtime_envs: bool | None = None):
        import logging
        # Read before Ray is imported and started: both set some of these in this process too.
        self.steering = {k: v for k, v in os.environ.items() if k.startswith(STEERING)}

        import ray
        self.ray = ray
        self.lost = (ray.exceptions.RayActorError, ray.exceptions.ObjectLostError)
        self.started = not ray.is_initialized()
        if self.started and address:
            # The driver's harness goes to every node, so workers run this checkout's code.
            ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False,
                     runtime_env={"py_modules": [str(Path(__file__).resolve().parents[1])]})
        elif self.started:      # "local": a new instance, never a cluster `ray start` left running
            ray.init(address="local", num_cpus=num_cpus or os.cpu_count(), include_dashboard=False,
                     logging_level=logging.WARNING, log_to_driver=False)
        # A cluster's nodes get TensorFlow versions from runtime environments; a local instance
        # uses this machine's (harness.envs), as the local engine does.
        self.runtime_envs = bool(address) if runtime_envs is None else runtime_envs
        self.host = ray.remote(Host)
        self.workers: list[RayWorker] = []

    def worker(self, target: str, timeout: float = 60.0) -> RayWorker:
        """The Worker interface for `target`, backed by an actor (Session builds its workers here)."""
        worker = RayWorker(self, target, timeout)
        self.workers.append(worker)
        return worker

    def runtime_env(self, version: str | None) -> dict | None:
        """A versioned target's TensorFlow, installed by Ray on the node that runs the actor."""
        if not version or not self.runtime_envs:
            return None
        from harness.envs import distribution
        return {"pip": {"packages": [f"{distribution(version)}=={version}"], "pip_check": False}}

    def spawn(self, target: str, timeout: float):
        record = Target.of(target)
        # An actor reserves no CPU: TensorFlow threads itself across the node's cores, as several
        # local workers share them, and a run never waits for actors that cannot be placed.
        # SPREAD puts the actors on as many nodes as there are.
        options = {"num_cpus": 0, "num_gpus": 1 if record.variant.device == "GPU" else 0,
                   "scheduling_strategy": "SPREAD", "max_restarts": 0}
        env = self.runtime_env(record.version)
        if env:
            options["runtime_env"] = env
        return self.host.options(**options).remote(target, timeout, record.variant, self.steering)

    def close(self) -> None:
        for worker in self.workers:
            worker.close()
        if self.started and self.ray.is_initialized():
            self.ray.shutdown()


class RayWorker:
    """A harness Worker's interface (call, warm, close, tf_version, cpu_flags, target) on a Ray actor."""

    def __init__(self, engine: RayEngine, target: str, timeout: float):
        self.engine, self.target, self.timeout = engine, target, timeout
        self.tf_version: str | None = None
        self.cpu_flags: frozenset[str] | None = None
        self.actor = None
        self.lock = threading.Lock()

    def call(self, header: dict, arrays: dict):
        """One request; a lost actor is replaced and the request sent again."""
        ray = self.engine.ray
        with self.lock:
            for _ in range(ATTEMPTS):
                if self.actor is None:
                    self.actor = self.engine.spawn(self.target, self.timeout)
                try:
                    outcome, self.tf_version, self.cpu_flags = ray.get(self.actor.call.remote(header, arrays))
                    return outcome
                except self.engine.lost as exc:
                    self._drop()
                    if getattr(exc, "actor_init_failed", False):    # it would fail again
                        raise RuntimeError(f"the Ray actor of {process(self.target)} could not start: {exc}") from None
                    lost = exc
            raise RuntimeError(f"Ray lost the actor of {process(self.target)} {ATTEMPTS} times in a row; last: "
                               f"{type(lost).__name__}: {str(lost)[:300]}")

    def warm(self) -> None:
        """Nothing to start ahead: an actor starts its worker on its first call (Session.prestart)."""

    def _drop(self) -> None:
        actor, self.actor = self.actor, None
        if actor is not None:
            self.engine.ray.kill(actor)

    def close(self) -> None:
        """End the actor and its TensorFlow process (a later call starts another)."""
        actor, self.actor = self.actor, None
        if actor is None:
            return
        ray = self.engine.ray
        try:
            ray.get(actor.close.remote(), timeout=10)       # the TF process exits cleanly
        except (ray.exceptions.RayError, TimeoutError):
            pass                                            # gone already: nothing to close
        ray.kill(actor)


class Host:
    """The actor's body (made remote by RayEngine): a harness Worker for one variant (named by any
    of its targets)."""

    def __init__(self, target: str, timeout: float, variant, steering: dict):
        # A variant configured beside the driver (./tfconform.toml) is unknown in the node's
        # working folder: the driver's record of it stands.
        known = variants()
        if known.get(variant.name) != variant:
            known[variant.name] = variant
        environ = {k: v for k, v in os.environ.items() if not k.startswith(STEERING)}
        self.worker = HostedWorker(target, timeout, {**environ, **steering})

    def call(self, header: dict, arrays: dict):
        outcome = self.worker.call(header, arrays)
        return outcome, self.worker.tf_version, self.worker.cpu_flags

    def close(self) -> None:
        self.worker.close()


class HostedWorker(Worker):
    """A Worker in an actor: the driver's TensorFlow settings, and a versioned target's TensorFlow
    from the node's environment (harness.envs), else from the actor's own runtime environment."""

    def __init__(self, target: str, timeout: float, environ: dict):
        super().__init__(target, timeout)
        self.environ = environ

    def env(self) -> dict:
        return worker_env(self.target, self.environ)

    def python(self) -> str:
        try:
            return interpreter(self.target)
        except LookupError:
            from harness.run.session import installed_tf_version
            if installed_tf_version() == self.record.version:     # a runtime_env installed it
                return sys.executable
            raise LookupError(f"no TensorFlow {self.record.version} on Ray node {os.uname().nodename}: "
                              f"run `tfconform env add {self.record.version}` there, or run with "
                              f"--address (runtime environments)") from None
