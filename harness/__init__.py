"""tfconform: a conformance harness for TensorFlow's convolution family.

The folders are the flow: cases/ (case files in, problems as path:line, tensors) -> run/ (the
reference's outcome, TensorFlow's in crash-isolated worker processes, the Session) -> verdict/
(comparison, precision model, known signatures, error rules) -> output/ (results.jsonl, tensors,
report, failure messages). sweep/ generates cases and shrinks what deviates; proof/ breaks the
reference and the verdict code on purpose. model.py holds the data passed along, ops.py a record
per op; cli.py, plugin.py and pin.py are the commands. Only harness.run.worker imports TensorFlow,
and only in worker processes.
"""
