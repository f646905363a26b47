"""tfconform: a conformance harness for TensorFlow's convolution family.

Modules: loader (case files), ops (registry), tensors, execute/runner (reference and TF workers),
judge/compare (verdicts), results, report, cli, plugin (pytest). Only harness.worker imports
TensorFlow, and only in worker processes.
"""
