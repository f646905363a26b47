"""The framing between the judge and its TensorFlow workers: one message is a JSON header plus
named numpy arrays, sent as a length-prefixed .npz (numpy's own format, loaded without pickles).

bfloat16 has no numpy dtype of its own (ml_dtypes provides one, which .npz cannot carry), so
arrays travel as float32, which holds every bfloat16 and float16 value exactly, and the header
names each array's real dtype.
"""
from __future__ import annotations

import io
import json
import struct

import numpy as np

_LEN = struct.Struct(">Q")


def to_wire(array: np.ndarray) -> tuple[np.ndarray, str]:
    dtype = str(array.dtype)
    if dtype == "bfloat16":
        return np.asarray(array, dtype=np.float32), dtype
    return np.asarray(array), dtype


def encode(header: dict, arrays: dict[str, np.ndarray]) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, __header__=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8), **arrays)
    return buf.getvalue()


def decode(payload: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    with np.load(io.BytesIO(payload), allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    header = json.loads(arrays.pop("__header__").tobytes().decode())
    return header, arrays


PREFIX = _LEN.size        # bytes of the length prefix before each payload


def frame(header: dict, arrays: dict[str, np.ndarray] | None = None) -> bytes:
    """One message as written: length prefix, then the payload."""
    payload = encode(header, arrays or {})
    return _LEN.pack(len(payload)) + payload


def payload_size(prefix: bytes) -> int:
    (n,) = _LEN.unpack(prefix)
    return n


def write_message(stream, header: dict, arrays: dict[str, np.ndarray] | None = None) -> None:
    stream.write(frame(header, arrays))
    stream.flush()


def read_exactly(stream, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError("stream closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_message(stream) -> tuple[dict, dict[str, np.ndarray]]:
    return decode(read_exactly(stream, payload_size(read_exactly(stream, PREFIX))))
