"""Case files: loading and checking them (path:line problems), their tensors, writing them back."""
