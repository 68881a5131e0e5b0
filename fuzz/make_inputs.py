#!/usr/bin/python3
"""Writes the fuzz seed corpora (fuzz/corpus/<target>/) and regression inputs
(fuzz/regressions/<target>/) in the layouts of fuzz/targets.hpp.

Deterministic (no timestamps, no randomness): running it again rewrites the
same bytes, so the outputs are committed and the test suite needs no Python.
Regression inputs reproduce every crash, OOM and timeout reported in issue 18
(in a small form where the original was large), plus what fuzzing found since.

    /usr/bin/python3 fuzz/make_inputs.py
"""
import gzip
import io
import os
import shutil
import struct
import zipfile
import zlib

ROOT = os.path.dirname(os.path.abspath(__file__))


def write(kind, target, name, data):
    folder = os.path.join(ROOT, kind, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def corpus(target, name, data):
    write("corpus", target, name, data)


def regression(target, name, data):
    write("regressions", target, name, data)


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


# --- .npy -----------------------------------------------------------------------

def npy(descr, shape, raw, fortran=False, version=(1, 0)):
    shape_text = "(" + "".join(f"{s}, " for s in shape).rstrip(" ") + ")"
    if len(shape) == 1:
        shape_text = f"({shape[0]},)"
    header = f"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape_text}, }}"
    prefix = 10 if version[0] == 1 else 12
    header += " " * ((64 - (prefix + len(header) + 1) % 64) % 64) + "\n"
    length = struct.pack("<H" if version[0] == 1 else "<I", len(header))
    return b"\x93NUMPY" + bytes(version) + length + header.encode("latin-1") + raw


def f8(values, byteorder="<"):
    return struct.pack(byteorder + f"{len(values)}d", *values)


# --- IDX ------------------------------------------------------------------------

def idx(type_code, dims, raw):
    return b"\0\0" + bytes([type_code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + raw


# --- zip / npz ------------------------------------------------------------------

def npz(members, compressed):
    buf = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            with z.open(info, "w", force_zip64=(name == "zip64")) as f:
                f.write(data)
    return buf.getvalue()


def raw_deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def one_member_zip(data, method, csize, usize, crc=0, local_name_len=5, name=b"a.npy"):
    """A one-member archive whose central directory declares csize/usize (zip64
    extra field when either needs 64 bits) and local header at offset 0."""
    z64 = csize >= 0xFFFFFFFF or usize >= 0xFFFFFFFF
    out = struct.pack("<IHHHIIIIHH", 0x04034B50, 20, 0, method, 0, crc, len(data), len(data), local_name_len, 0)
    out += name + data
    cd = len(out)
    extra = struct.pack("<HHQQ", 1, 16, usize, csize) if z64 else b""
    central = struct.pack("<IHHHHIIIIHHHHHII", 0x02014B50, 45, 45, 0, method, 0, crc,
                          0xFFFFFFFF if z64 else csize, 0xFFFFFFFF if z64 else usize,
                          len(name), len(extra), 0, 0, 0, 0, 0) + name + extra
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), cd, 0)
    return out


def zip64_locator_only(z64_offset):
    """The 42-byte file of issue 18: a zip64 locator and an end record that defers to it."""
    return (struct.pack("<IIQI", 0x07064B50, 0, z64_offset, 1) +
            struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))


def main():
    for kind in ("corpus", "regressions"):
        shutil.rmtree(os.path.join(ROOT, kind), ignore_errors=True)

    # --- idx: byte 0 even = one file; odd = images/labels split at bytes 1–2.
    images = idx(0x08, [4, 2, 3], bytes(range(0, 240, 10)))
    labels = idx(0x08, [4], bytes([0, 1, 3, 1]))
    corpus("idx", "ubyte3.idx", b"\0" + images)
    corpus("idx", "ubyte3.idx.gz", b"\0" + gz(images))
    corpus("idx", "labels.idx", b"\0" + labels)
    corpus("idx", "sbyte.idx", b"\0" + idx(0x09, [3], b"\x80\x00\x7f"))
    corpus("idx", "int16.idx", b"\0" + idx(0x0B, [2, 2], struct.pack(">4h", -1, 2, -300, 32767)))
    corpus("idx", "int32.idx", b"\0" + idx(0x0C, [2], struct.pack(">2i", -70000, 5)))
    corpus("idx", "float32.idx", b"\0" + idx(0x0D, [2, 1], struct.pack(">2f", 1.5, -0.25)))
    corpus("idx", "float64.idx.gz", b"\0" + gz(idx(0x0E, [3], struct.pack(">3d", 0.1, 2, -3))))
    corpus("idx", "two-members.gz", b"\0" + gz(images[:10]) + gz(images[10:]))
    for sel, name in ((0x01, "set-all"), (0x03, "set-pair01"), (0x05, "set-classes13"), (0x29, "set-limit1-scale")):
        corpus("idx", name, bytes([sel]) + struct.pack("<H", len(images)) + images + labels)
    corpus("idx", "set-gz", bytes([0x21]) + struct.pack("<H", len(gz(images))) + gz(images) + gz(labels))
    # Issue 18: a gzip file inflated whole (1.5 MB → 1.5 GB) before "trailing
    # bytes"; here a header for one value and 8 MiB of zeros (8 KB compressed).
    regression("idx", "gzip-bomb-trailing", b"\0" + gz(idx(0x08, [1], b"\0" * (8 << 20))))
    # A gzip header declaring 2.8e14 bytes, and dimensions whose product overflows.
    regression("idx", "gzip-huge-dims", b"\0" + gz(idx(0x08, [65535, 65535, 65535], b"0123456789abcdef")))
    regression("idx", "gzip-dims-overflow", b"\0" + gz(idx(0x0E, [0xFFFFFFFF] * 4, b"x")))
    regression("idx", "raw-dims-overflow", b"\0" + idx(0x0E, [0xFFFFFFFF] * 3, b"x"))
    regression("idx", "gzip-truncated-data", b"\0" + gz(idx(0x08, [100, 100], b"abc")))
    regression("idx", "set-nan-image", bytes([0x01]) + struct.pack("<H", 24) +
               idx(0x0D, [2, 2], struct.pack(">4f", 1, 2, float("nan"), 4)) + idx(0x08, [2], b"\0\1"))

    # --- csv: byte 0 = header | delimiter << 2 | labels << 4 | label column << 6.
    corpus("csv", "plain.csv", b"\x00" + b"1,2,1\n3,4,-1\n5,6,1\n")
    corpus("csv", "header.csv", b"\x00" + b"a,b,y\n0.5,1e-3,0\n2,3,2\n")
    corpus("csv", "named-label.csv", bytes([0x80 | 0x01]) + b"y,a,b\n1,2,3\n-1,4,5\n")
    corpus("csv", "tab.tsv", bytes([0x08 | 0x20]) + b"1\t2\t0.5\r\n3\t4\t1.5\r\n\r\n")
    corpus("csv", "space.txt", bytes([0x0C | 0x02]) + b"  1   2  1\n3 4 -1\n")
    corpus("csv", "semicolon-quoted.csv", bytes([0x04 | 0x40]) + b'"1";"2";"3"\n"4";5;6\n')
    corpus("csv", "class-labels.csv", bytes([0x20]) + b"+1,-2,3\n4,5,0\n")
    # Issue 18: a first line of 200,000 fields made the reader allocate 200,000
    # columns × the number of lines before finding line 2 ragged. Small
    # equivalent: 10,000 fields, then 30,000 one-field lines (the old reader:
    # 2.4 GB; now: "line 2: expected 10000 fields, got 1").
    regression("csv", "wide-first-line.csv", b"\x00" + b"1," * 9999 + b"1\n" + b"1\n" * 30000)
    regression("csv", "ragged-then-wide.csv", b"\x00" + b"1,2,3\n" + b"1," * 5000 + b"1\n1\n")

    # --- npy
    corpus("npy", "f8-2x3.npy", npy("<f8", [2, 3], f8([0, 1, 2, 3, 4, 5])))
    corpus("npy", "f8-fortran.npy", npy("<f8", [2, 3], f8([0, 3, 1, 4, 2, 5]), fortran=True))
    corpus("npy", "f8-vector.npy", npy("<f8", [4], f8([1, -1, 1, -1])))
    corpus("npy", "f8-column.npy", npy("<f8", [3, 1], f8([1, 2, 3])))
    corpus("npy", "be-i4.npy", npy(">i4", [3], struct.pack(">3i", -1, 0, 7)))
    corpus("npy", "u1.npy", npy("|u1", [2, 2], b"\x00\x01\xfe\xff"))
    corpus("npy", "b1.npy", npy("|b1", [3], b"\x00\x01\x02"))
    corpus("npy", "f4-3d.npy", npy("<f4", [2, 1, 2], struct.pack("<4f", 1, 2, 3, 4)))
    corpus("npy", "i8-v2.npy", npy("<i8", [2], struct.pack("<2q", -5, 5), version=(2, 0)))
    corpus("npy", "u2-v3.npy", npy("<u2", [1], struct.pack("<H", 9), version=(3, 0)))
    corpus("npy", "scalar.npy", npy("<f8", [], f8([3.5])))
    corpus("npy", "empty.npy", npy("<f8", [0, 3], b""))
    # Issue 18: (2^63, 0) was reported as "-9223372036854775808 rows".
    regression("npy", "shape-2pow63-by-0.npy", npy("<f8", [2 ** 63, 0], b""))
    regression("npy", "shape-0-by-2pow64m1.npy", npy("<f8", [0, 2 ** 64 - 1], b""))
    regression("npy", "shape-product-overflow.npy", npy("<f8", [65536] * 5, b""))
    regression("npy", "nan-values.npy", npy("<f8", [2], f8([float("nan"), float("inf")])))
    # Found by scripts/fuzz 600: strchr("fiub", '\0') is not null, so descr '<\x009' passed as a
    # 9-byte kind and the value load shifted by 64 (UBSan).
    regression("npy", "descr-nul-kind.npy", npy("<\x009", [], b"\0" * 9))

    # --- npz
    a = npy("<f8", [2, 3], f8([0, 1, 2, 3, 4, 5]))
    w = npy("<f8", [1, 2], f8([1.5, -2]))
    k = npy("<i4", [3], struct.pack("<3i", 0, 1, 2))
    corpus("npz", "savez.npz", npz([("a", a), ("init/W1", w), ("k", k)], compressed=False))
    corpus("npz", "savez_compressed.npz", npz([("a", a), ("init/W1", w), ("k", k)], compressed=True))
    corpus("npz", "zip64-extra.npz", npz([("zip64", a)], compressed=True))
    corpus("npz", "empty.npz", npz([], compressed=False))
    # Issue 18: the 42-byte file (zip64 offset near 2^64: `pos + 4 > size`
    # wrapped, UBSan pointer overflow, a read before the buffer).
    regression("npz", "zip64-locator-wrap-42b.npz", zip64_locator_only(2 ** 64 - 2))
    regression("npz", "zip64-locator-2pow63.npz", zip64_locator_only(2 ** 63))
    # Issue 18: the 2 KB bomb — 2 MiB of zeros deflated (about 2 KB), the
    # directory declaring 4.1 GB: the reader allocated the declared size first.
    bomb = raw_deflate(b"\0" * (2 << 20))
    regression("npz", "declared-4gb-bomb.npz", one_member_zip(bomb, 8, len(bomb), 4_100_000_000))
    regression("npz", "declared-zip64-16eb.npz", one_member_zip(bomb, 8, len(bomb), 2 ** 64 - 1))
    regression("npz", "inflates-past-declared.npz", one_member_zip(bomb, 8, len(bomb), 1000))
    # Issue 18: data_pos + csize wrapped and substr threw std::out_of_range
    # (exit 4, no file named): local name length 1000 puts the data past the
    # end, csize = 2^64 − 1030 brings the sum round to 0.
    regression("npz", "data-range-wrap.npz", one_member_zip(b"", 0, 2 ** 64 - 1030, 1, local_name_len=1000))
    regression("npz", "member-nan.npz", npz([("W1", npy("<f8", [1, 2], f8([float("nan"), 1])))], compressed=False))

    # --- config: TOML experiment files
    for name in ("fig2.toml", "ji-rate.toml", "thm21.toml"):
        with open(os.path.join(ROOT, "..", "experiments", name), "rb") as f:
            corpus("config", name, f.read())
    corpus("config", "minimal.toml", '[experiment]\nname = "x"\nkind = "nn-train"\n[scale.smoke]\ntrials = 1\n')
    corpus("config", "zip-sweep-refs.toml", """[experiment]
name = "z"
title = "t"
source = "s"
kind = "nn-train"
seed = 7
[params]
data = "wei-d:d={_d},n={n},seed={seed}"
_d = 5
[scale.smoke]
trials = 2
[scale.smoke.params]
steps = 3
[scale.smoke.sweep]
n = [10, 20]
[scale.smoke.zip]
_task = ["classification", "regression"]
loss = ["logistic", "squared"]
""")
    # Issue 18: trials = 1e12 (47 s, then bad_alloc), 8 sweep axes of 20 values,
    # nested {a} references (2.5–7.5 GB).
    head = '[experiment]\nname = "x"\nkind = "nn-train"\n'
    regression("config", "trials-1e12-float.toml", head + "[scale.smoke]\ntrials = 1e12\n")
    regression("config", "trials-1e12-int.toml", head + "[scale.smoke]\ntrials = 1000000000000\n")
    regression("config", "trials-string.toml", head + '[scale.smoke]\ntrials = "2"\n')
    axes = "".join(f"a{i} = [" + ", ".join(str(v) for v in range(20)) + "]\n" for i in range(8))
    regression("config", "sweep-8x20.toml", head + "[scale.smoke]\ntrials = 1\n[scale.smoke.sweep]\n" + axes)
    refs = "".join(f'r{i} = "{{r{i + 1}}}{{r{i + 1}}}{{r{i + 1}}}{{r{i + 1}}}"\n' for i in range(12))
    regression("config", "nested-refs.toml", head + "[params]\n" + refs + 'r12 = "xxxxxxxxxxxxxxxx"\n'
               "[scale.smoke]\ntrials = 1\n")

    # --- data_spec: --data arguments
    for spec in ("wei-d:d=20,n=200,seed=1", "wei-d:task=regression,n=10,d=3,sample=2",
                 "xor:d=5,n=30,normalize=true", "teacher:d=3,n=20,k=4",
                 "teacher:d=5,n=10,margin=0.05,input=gaussian", "teacher:task=regression,n=8,d=2,k=1",
                 "line1d:n=8", "line1d:n=9,pattern=bump,bias=0", "line1d:pattern=random,block=3,low=-2,high=5",
                 "linear:n=20,d=4,margin=0.2", "wei-d", "xor"):
        corpus("data_spec", spec.replace(":", "_").replace(",", "_").replace("=", "-"), spec)
    # Issue 18: sizes beyond memory (std::bad_alloc, n·d overflow), slow
    # rejections, and max_draws_per_example · n overflowing a signed long.
    for name, spec in (("wei-d-n1e13", "wei-d:n=10000000000000"),
                       ("xor-nd-overflow", "xor:n=1099511627776,d=1099511627776"),
                       ("wei-d-n2e8", "wei-d:n=200000000,d=20"),
                       ("teacher-d696-margin03", "teacher:d=696,margin=0.3"),
                       ("teacher-d696-margin045-n2", "teacher:d=696,margin=0.45,n=2,max_draws_per_example=300"),
                       ("teacher-margin50", "teacher:margin=50"),
                       ("teacher-k-huge", "teacher:k=100000000,d=100"),
                       ("linear-d1649", "linear:d=1649"),
                       ("linear-max-draws-1e17", "linear:n=100,max_draws_per_example=100000000000000000"),
                       ("teacher-max-draws-1e17", "teacher:n=100,margin=0.1,max_draws_per_example=100000000000000000"),
                       ("line1d-n1e12", "line1d:n=1000000000000"),
                       ("line1d-range-overflow", "line1d:low=-1e308,high=1e308")):
        regression("data_spec", name, spec)


if __name__ == "__main__":
    main()
