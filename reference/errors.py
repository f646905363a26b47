"""The one exception the reference raises for arguments TensorFlow must reject."""


class InvalidArgumentError(ValueError):
    """An argument breaks one of tf.nn's rules; the message names the rule."""
