"""A small PNG reader for tests (8-bit RGB/RGBA, not interlaced): zlib from the stdlib only."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def read_png(path: Path) -> np.ndarray:
    """Pixels as a (height, width, channels) uint8 array."""
    raw = path.read_bytes()
    assert raw.startswith(_SIGNATURE), f"{path} is not a PNG"
    position, chunks, header = len(_SIGNATURE), [], None
    while position < len(raw):
        length, kind = struct.unpack(">I4s", raw[position:position + 8])
        body = raw[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        elif kind == b"IEND":
            break
        position += 12 + length
    assert header is not None
    width, height, depth, colour, _, _, interlace = header
    channels = {2: 3, 6: 4}.get(colour)
    assert depth == 8 and channels and not interlace, f"unsupported PNG {header}"
    data = zlib.decompress(b"".join(chunks))
    stride = width * channels
    out = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        start = y * (stride + 1)
        kind = data[start]
        line = np.frombuffer(data, dtype=np.uint8, count=stride, offset=start + 1).astype(np.int32)
        row = _unfilter(kind, line, previous, channels)
        out[y] = row
        previous = row.astype(np.int32)
    return out.reshape(height, width, channels)


def _unfilter(kind: int, line: np.ndarray, up: np.ndarray, bpp: int) -> np.ndarray:
    if kind == 0:
        return line
    if kind == 2:
        return (line + up) % 256
    if kind == 1:  # Sub: a running sum per channel
        pixels = line.reshape(-1, bpp)
        return (np.cumsum(pixels, axis=0) % 256).reshape(-1)
    row = line.copy()
    for i in range(len(row)):
        left = int(row[i - bpp]) if i >= bpp else 0
        above = int(up[i])
        if kind == 3:
            row[i] = (row[i] + (left + above) // 2) % 256
        else:  # Paeth
            corner = int(up[i - bpp]) if i >= bpp else 0
            estimate = left + above - corner
            pa, pb, pc = abs(estimate - left), abs(estimate - above), abs(estimate - corner)
            nearest = left if pa <= pb and pa <= pc else above if pb <= pc else corner
            row[i] = (row[i] + nearest) % 256
    return row
