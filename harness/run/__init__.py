"""Running cases: the reference's outcome, TensorFlow's in crash-isolated worker processes, the Session."""
