"""bias_add: a bias along the channel axis of a value of any rank >= 2."""
from harness.ops.spec import FLOATS, OpSpec
from harness.sweep import geometry as g
from harness.sweep.knobs import BIAS_DTYPES, CHAN, CHAN_W, INTS, VALUES_K, Knob, space

RECORDS = (
    OpSpec("bias_add", ("value", "bias"), dtypes=FLOATS + INTS + ("uint32", "uint64", "complex64", "complex128"),
           rules=("bias-size",), terms=lambda shapes, args: 1,
           space=space(BIAS_DTYPES, Knob("rank", (4, 2, 3, 5), (3, 2, 2, 2)),
                       *[Knob(f"d{i}", CHAN, CHAN_W, "d") for i in range(5)],
                       Knob("data_format", (None, "NHWC", "NCHW", "N...C", "NC..."), (4, 2, 2, 1, 1)),
                       Knob("bias", ("equal", "mismatch"), (12, 0.7)), VALUES_K),
           build=g.bias_add, mutations=("bias-on-first-axis",)),
)
