"""Data: marginlab's generators and readers (the CLI's --data specs) as numpy arrays.

    d = marginlab.data.generate("wei-d", d=10, n=200, seed=1)   # the spec wei-d:d=10,n=200,seed=1
    d = marginlab.data.load("teacher:d=5,n=100")                 # any --data spec, file or folder
    d = marginlab.data.load("csv", path="runs/a,b.csv")          # a source with keyword parameters
    X, y = d                                                     # unpacks as (X, y)

X is n x d (one example per row), y has n labels: -1/+1 (binary), class indices 0..l-1 (class)
or reals; `kind`, `num_classes` and `source` (the spec) say which. sources() lists every
generator and reader with its parameters. Keyword values are used as they are, never pasted into
a spec string (a file name may hold ',' or '=').
"""
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._api import data as _api

__all__ = ["Data", "load", "generate", "sources"]


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


def load(source: "str | os.PathLike[str]", **params: Any) -> Data:
    """The data of a --data spec, a file or a folder, or of a source with keyword parameters.

    Read exactly as the CLI's --data reads it (the same numbers, bit for bit):
    load("wei-d:d=10,n=200"), load("data.csv"), load("data.npz") (members X and y, as
    numpy.savez writes), load("folder") (X.npy and y.npy), load(pathlib.Path(...)); or a source
    name with its parameters as keywords, each value used as it is: load("csv", path="a,b.csv").
    """
    return _wrap(_api.load(source, **params))


def generate(source: str, **params: Any) -> Data:
    """A generator's data from keyword parameters: generate("wei-d", d=10, n=200) equals
    load("wei-d:d=10,n=200"). sources() lists the generators and their parameters."""
    return _wrap(_api.generate(source, **params))


def sources() -> list:
    """Every data source: dicts with name, kind (generator | reader), summary and params
    (name, type, default, doc, choices)."""
    return _api.sources()
