"""Deliberate bugs for the mutation proof (harness.proof.mutate): each is a textual change to one file of
reference/, the kind of mistake JAX's and ONNX's references and many blog posts make. Each `old`
must occur exactly once in its file, so a refactoring of the reference that moves the code makes
the proof fail loudly instead of silently testing nothing.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Mutation:
    name: str
    file: str          # relative to reference/
    old: str
    new: str
    why: str


MUTATIONS = (
    Mutation("same-extra-pad-at-start", "padding.py",
             "lo, hi = total // 2, total - total // 2", "lo, hi = total - total // 2, total // 2",
             "SAME puts the odd extra pad at the start (TF puts it at the end)"),
    Mutation("same-output-floor", "padding.py",
             "out = -(-size // s)", "out = size // s",
             "SAME output size floor(in / stride) instead of ceil"),
    Mutation("valid-output-off-by-one", "padding.py",
             "num = size + lo + hi - k + s\n", "num = size + lo + hi - k + s - 1\n",
             "VALID/explicit output size one short when the stride divides evenly"),
    Mutation("padding-for-undilated-kernel", "nn.py",
             "    _, pads = window_geometry(xl.shape[1:-1], keff, s, spec)\n    return ConvPlan(",
             "    _, pads = window_geometry(xl.shape[1:-1], w.shape[:n], s, spec)\n    return ConvPlan(",
             "padding computed for the undilated kernel size"),
    Mutation("dilation-on-input", "nn.py",
             "return ConvPlan(names, layout, xl, w, s, pads, None, d, c // cg,",
             "return ConvPlan(names, layout, xl, w, s, pads, d, None, c // cg,",
             "dilation applied to the input (transposed-conv style) instead of the kernel"),
    Mutation("groups-ignored", "nn.py",
             "return ConvPlan(names, layout, xl, w, s, pads, None, d, c // cg,",
             "return ConvPlan(names, layout, xl, np.tile(w, (1,) * n + (c // cg, 1)), s, pads, None, d, 1,",
             "grouped convolution computed as a dense one (every output sees every input channel)"),
    Mutation("depthwise-channel-order", "nn.py",
             "w, cg, o = w.reshape(w.shape[:n] + (1, c * o)), 1, c * o",
             "w, cg, o = w.swapaxes(-1, -2).reshape(w.shape[:n] + (1, c * o)), 1, c * o",
             "depthwise output channel m * C + c instead of c * multiplier + m"),
    Mutation("avg-pool-divides-by-full-window", "window.py",
             "acc /= count[:, rows]", "acc /= len(taps)",
             "average pooling counts the padding in its divisor"),
    Mutation("max-pool-pads-with-zero", "window.py",
             'fill = 0 if op == "avg" else', 'fill = 0 if True else',
             "max pooling pads with 0 instead of -inf (wrong for all-negative windows)"),
    Mutation("argmax-last-tie", "window.py",
             "hit = valid & (first < 0) & (", "hit = valid & (",
             "argmax picks the last maximum of a window instead of the first"),
    Mutation("argmax-channel-major", "window.py",
             "flat = sum(p * e for p, e in zip(pos, elem)) + np.arange(channels)",
             "flat = sum(p * e for p, e in zip(pos, elem)) // channels + np.arange(channels) * (x[0].size // channels)",
             "argmax flattened channel-major ((c * H + y) * W + x) instead of ((y * W + x) * C + c)"),
    Mutation("transpose-crop-side", "transpose.py",
             "tpads = [(k - 1 - lo, k - 1 - hi + (size + lo + hi - k) % st)",
             "tpads = [(k - 1 - hi, k - 1 - lo + (size + lo + hi - k) % st)",
             "transposed convolution crops the SAME padding from the wrong side"),
    Mutation("transpose-no-kernel-flip", "transpose.py",
             "return w[(slice(None, None, -1),) * n].swapaxes(-1, -2)", "return w.swapaxes(-1, -2)",
             "transposed convolution without flipping the kernel"),
    Mutation("bias-on-first-axis", "nn.py",
             "return np.add(value, bias.reshape((-1,) + (1,) * (value.ndim - 1 - axis)),",
             "return np.add(value, bias.reshape((-1,) + (1,) * (value.ndim - 2)) if bias.size == value.shape[1] else bias,",
             "bias_add adds along axis 1 whenever it fits (NCHW assumed)"),
    Mutation("nchw-spatial-swap", "plans.py",
             "return np.moveaxis(a, 1, -1) if self.channels_first else a",
             "return np.moveaxis(a, 1, -1).swapaxes(1, -2) if self.channels_first else a",
             "channels-first inputs transposed with H and W swapped"),
    Mutation("morphology-filter-mirrored", "morphology.py",
             "return MorphPlan(x, f, s, pads, d, out, op == \"erosion2d\", names)",
             "return MorphPlan(x, f[::-1, ::-1], s, pads, d, out, op == \"erosion2d\", names)",
             "dilation2d mirrors its filter (a convolution's habit) and erosion2d does not"),
    Mutation("patches-depth-major", "morphology.py",
             "return y.reshape(y.shape[:3] + (int(np.prod(y.shape[3:])),))",
             "return np.moveaxis(y, -1, 3).reshape(y.shape[:3] + (int(np.prod(y.shape[3:])),))",
             "extract_patches flattens each patch depth first instead of (row, col, depth)"),
)
