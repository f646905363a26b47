"""Grayscale morphology and patches: dilation2d, erosion2d (a max-plus window), extract_patches.
All three are exact: a max of sums each rounded once in the dtype (as the reference computes them),
or copies."""
from functools import partial

from harness.ops.spec import FLOATS, OpSpec
from harness.sweep import geometry as g
from harness.sweep.knobs import (BATCH_K, CHAN_K, FLOATS_W, INTS, INTS_W, MISMATCH, TWO_PAD, VALUES_K, Knob,
                                 padding, space, spatial)

SIGNED = ("int32", "int64", "int8", "int16")
UNSIGNED = ("uint8", "uint16", "uint32", "uint64")
WINDOWED = ("same-extra-pad-at-start", "same-output-floor", "valid-output-off-by-one")
# TF takes NHWC only: a few configurations ask for NCHW, to see it refused alike
NHWC = Knob("layout", ("NHWC", "NCHW"), (12, 0.5))


def _dtypes(names: tuple) -> Knob:
    weights = dict(zip(FLOATS + INTS, FLOATS_W + INTS_W)) | {"uint32": 0.3, "uint64": 0.3}
    return Knob("dtype", names, tuple(weights[n] for n in names))


def _morphology(name: str, first: str, dtypes: tuple) -> OpSpec:
    # tf.nn's morphology takes no default data_format or dilations (the reference defaults them)
    return OpSpec(name, (first, "filters"), required=(first, "filters", "strides", "padding", "data_format", "dilations"),
                  dtypes=dtypes, rules=("channel-mismatch", "morphology-data-format"),
                  filters={"filters": ("depth",)}, max_window=lambda args: True,
                  space=space(_dtypes(dtypes), NHWC, padding(TWO_PAD), BATCH_K, spatial((2,), pads=False),
                              CHAN_K, MISMATCH, VALUES_K),
                  build=partial(g.morphology, first=first), mutations=WINDOWED + ("morphology-filter-mirrored",))


RECORDS = (
    _morphology("dilation2d", "input", FLOATS + SIGNED + UNSIGNED),
    _morphology("erosion2d", "value", FLOATS + SIGNED),
    OpSpec("extract_patches", ("images",), dtypes=FLOATS + SIGNED + UNSIGNED + ("complex64", "complex128"),
           tf="image.extract_patches",
           space=space(_dtypes(FLOATS + SIGNED + UNSIGNED), padding(TWO_PAD), BATCH_K,
                       spatial((2,), pads=False), CHAN_K, VALUES_K),
           build=g.patches, mutations=WINDOWED + ("patches-depth-major",)),
)
