"""The data layer checked against numpy (an independent reader/writer of .npy)
and against Python's own gzip/struct parsing of Fashion-MNIST's IDX files."""
import csv
import gzip
import json
import struct

import numpy as np
import pytest


def test_npy_bytes_equal_numpy_save(cli, tmp_path):
    cli("data", "sample", "--data", "teacher:d=6,k=3,n=25,seed=3", "--format", "npy", "--out", tmp_path / "t")
    X = np.load(tmp_path / "t" / "X.npy")
    y = np.load(tmp_path / "t" / "y.npy")
    assert X.shape == (25, 6) and X.dtype == np.float64 and y.shape == (25,)
    # numpy.save of the same arrays produces the very same bytes.
    np.save(tmp_path / "X_np.npy", X)
    np.save(tmp_path / "y_np.npy", y)
    assert (tmp_path / "X_np.npy").read_bytes() == (tmp_path / "t" / "X.npy").read_bytes()
    assert (tmp_path / "y_np.npy").read_bytes() == (tmp_path / "t" / "y.npy").read_bytes()


def test_csv_json_npy_agree(cli, tmp_path):
    spec = "wei-d:d=8,n=60,seed=9"
    cli("data", "sample", "--data", spec, "--format", "csv", "--out", tmp_path / "a.csv")
    cli("data", "sample", "--data", spec, "--format", "json", "--out", tmp_path / "a.json")
    cli("data", "sample", "--data", spec, "--format", "npy", "--out", tmp_path / "a")
    rows = np.array([[float(v) for v in r] for r in csv.reader(open(tmp_path / "a.csv"))])
    doc = json.load(open(tmp_path / "a.json"))
    X = np.load(tmp_path / "a" / "X.npy")
    y = np.load(tmp_path / "a" / "y.npy")
    assert np.array_equal(rows[:, :-1], X) and np.array_equal(rows[:, -1], y)
    assert np.array_equal(np.array(doc["X"]), X) and np.array_equal(np.array(doc["y"]), y)
    assert doc["n"] == 60 and doc["d"] == 8 and doc["label_kind"] == "binary"


def test_numpy_written_files_are_read(cli, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((12, 3)).astype(np.float32)
    y = np.arange(12) % 3
    d = tmp_path / "mine"
    d.mkdir()
    np.save(d / "X.npy", np.asfortranarray(X))  # Fortran order and float32
    np.save(d / "y.npy", y.astype(np.int64))
    out = json.loads(cli("data", "info", d, "--json").stdout)
    assert out["n"] == 12 and out["d"] == 3 and out["label_kind"] == "class" and out["num_classes"] == 3
    assert out["feature_max"] == pytest.approx(float(X.max()), rel=0, abs=0)


def test_wrong_dtype_and_rank_are_clear_errors(cli, tmp_path):
    d = tmp_path / "bad"
    d.mkdir()
    np.save(d / "X.npy", np.zeros((4, 2), dtype=np.complex128))
    np.save(d / "y.npy", np.ones(4))
    r = cli("data", "info", d, check=False)
    assert r.returncode == 2 and "X.npy" in r.stderr and "<c16" in r.stderr, r.stderr
    np.save(d / "X.npy", np.zeros(4))  # rank 1
    r = cli("data", "info", d, check=False)
    assert r.returncode == 2 and "X.npy" in r.stderr and "rank" in r.stderr, r.stderr


def _idx_first(path, count):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    per = int(np.prod(dims[1:])) if ndim > 1 else 1
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim, count=count * per)
    return data.reshape(count, per)


def test_fashion_mnist_matches_python_parse(cli, tmp_path):
    base = "/usr/share/datasets/fashion-mnist/t10k"
    images = _idx_first(base + "-images-idx3-ubyte.gz", 20) / 255.0
    labels = _idx_first(base + "-labels-idx1-ubyte.gz", 20)[:, 0]
    cli("data", "sample", "--data", "fashion-mnist:split=test,limit=20", "--format", "npy", "--out", tmp_path / "f")
    X = np.load(tmp_path / "f" / "X.npy")
    y = np.load(tmp_path / "f" / "y.npy")
    assert X.shape == (20, 784)
    assert np.array_equal(X, images)
    assert np.array_equal(y, labels.astype(float))
