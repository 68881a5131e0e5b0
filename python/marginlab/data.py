"""Data: marginlab's generators and readers (the CLI's --data specs) as numpy arrays.

    d = marginlab.data.generate("wei-d", d=10, n=200, seed=1)   # the spec wei-d:d=10,n=200,seed=1
    d = marginlab.data.load("teacher:d=5,n=100")                 # any --data spec, file or folder
    X, y = d                                                     # unpacks as (X, y)

X is n x d (one example per row), y has n labels: -1/+1 (binary), class indices 0..l-1 (class)
or reals; `kind`, `num_classes` and `source` (the spec) say which. sources() lists every
generator and reader with its parameters.
"""
from dataclasses import dataclass

import numpy as np

from ._core import data as _data


@dataclass(frozen=True)
class Data:
    """A data set: X (n x d float64), y (n float64), its label kind and where it came from.
    Unpacks as X, y = data."""
    X: np.ndarray
    y: np.ndarray
    kind: str = "binary"
    num_classes: int = 2
    source: str = ""

    def __iter__(self):
        return iter((self.X, self.y))

    @property
    def n(self) -> int:
        return self.X.shape[0]

    @property
    def d(self) -> int:
        return self.X.shape[1]


def _wrap(d):
    return Data(d["X"], d["y"], d["kind"], d["num_classes"], d["source"])


def load(spec: str) -> Data:
    """The data of a --data spec: 'generator:key=value,...', a file (.npz, a .npy pair, .csv,
    IDX) or a folder, read exactly as the CLI reads it (the same numbers, bit for bit)."""
    return _wrap(_data.load(spec))


def generate(name: str, **params) -> Data:
    """A generator's data with its parameters as keywords: generate("wei-d", d=10, n=200)
    equals load("wei-d:d=10,n=200"). sources() lists the generators and their parameters."""
    return _wrap(_data.generate(name, **params))


def sources() -> list:
    """Every data source: dicts with name, kind (generator | reader), summary and params
    (name, type, default, doc, choices)."""
    return _data.sources()
