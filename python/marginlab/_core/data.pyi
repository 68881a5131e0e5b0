"""
data generators and readers
"""
from __future__ import annotations
__all__: list[str] = ['generate', 'load', 'sources']
def generate(name: str, **kwargs) -> dict:
    """
    A generator's data from keyword parameters: generate('wei-d', d=10, n=200, seed=1) is the
    spec 'wei-d:d=10,n=200,seed=1'. Returns the dict of load().
    """
def load(spec: str) -> dict:
    """
    The data named by a spec, exactly as the CLI's --data reads it: 'generator:key=value,...', a
    file (.npz, .npy pair, .csv, IDX) or a folder. Returns a dict X (n x d), y (n), kind,
    num_classes, source.
    """
def sources() -> list:
    """
    Every data source: name, kind (generator | reader), summary and its parameters.
    """
