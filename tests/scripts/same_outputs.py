#!/usr/bin/python3
"""Are two outputs of fnesim the same result? Byte for byte, except what
describes the execution rather than the result (docs/cluster.md):

- run files (HDF5): every group, dataset (type, shape and bytes) and
  attribute alike, but the root attributes `created`, `run_seconds` and
  `threads`;
- JSON: byte for byte when neither has the keys `seconds`, `threads` or
  `ranks`; otherwise equal once they are removed, wherever they are;
- anything else (CSV, SVG): byte for byte.

Usage: same_outputs.py A B   (exit 0 when the same, 1 naming every difference)
"""
import json
import sys

EXECUTION_ATTRIBUTES = {"created", "run_seconds", "threads"}
EXECUTION_KEYS = {"seconds", "threads", "ranks"}


def hdf5_differences(a_path, b_path):
    import h5py
    import numpy as np

    out = []

    def same(x, y):
        x, y = np.asarray(x), np.asarray(y)
        if x.dtype != y.dtype or x.shape != y.shape:
            return False
        # Variable-length strings are objects: compared by value, the rest by bytes.
        return x.tolist() == y.tolist() if x.dtype.kind == "O" else x.tobytes() == y.tobytes()

    def attributes(name, a, b, root):
        skip = EXECUTION_ATTRIBUTES if root else set()
        keys_a, keys_b = set(a.attrs) - skip, set(b.attrs) - skip
        if keys_a != keys_b:
            out.append(f"{name}: attributes {sorted(keys_a ^ keys_b)} in one file only")
        for key in sorted(keys_a & keys_b):
            if not same(a.attrs[key], b.attrs[key]):
                out.append(f"{name}: attribute {key} differs")

    def walk(name, a, b):
        attributes(name, a, b, name == "/")
        if isinstance(a, h5py.Group) != isinstance(b, h5py.Group):
            out.append(f"{name}: a group in one file, a dataset in the other")
            return
        if isinstance(a, h5py.Dataset):
            if a.dtype != b.dtype or not same(a[()], b[()]):
                out.append(f"{name}: dataset differs")
            return
        if set(a) != set(b):
            out.append(f"{name}: members {sorted(set(a) ^ set(b))} in one file only")
        for key in sorted(set(a) & set(b)):
            walk(f"{name.rstrip('/')}/{key}", a[key], b[key])

    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        walk("/", a, b)
    return out


def without_execution(value):
    if isinstance(value, dict):
        return {k: without_execution(v) for k, v in value.items() if k not in EXECUTION_KEYS}
    if isinstance(value, list):
        return [without_execution(v) for v in value]
    return value


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    a_path, b_path = sys.argv[1:]
    with open(a_path, "rb") as f:
        head = f.read(8)
    if head == b"\x89HDF\r\n\x1a\n":
        differences = hdf5_differences(a_path, b_path)
    elif a_path.endswith(".json"):
        with open(a_path, "rb") as a, open(b_path, "rb") as b:
            a_bytes, b_bytes = a.read(), b.read()
        a_json, b_json = json.loads(a_bytes), json.loads(b_bytes)
        a_kept, b_kept = without_execution(a_json), without_execution(b_json)
        if a_kept == a_json and b_kept == b_json:
            same = a_bytes == b_bytes
        else:
            same = a_kept == b_kept
        differences = [] if same else ["the JSON documents differ"]
    else:
        with open(a_path, "rb") as a, open(b_path, "rb") as b:
            differences = [] if a.read() == b.read() else ["the bytes differ"]
    for d in differences:
        print(f"{a_path} vs {b_path}: {d}", file=sys.stderr)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
