"""
marginlab's C++ library (see the marginlab package for the documented API)
"""
from __future__ import annotations
from marginlab import Error
from marginlab import FailedRunError
from marginlab import InputError
from marginlab import InternalError
from marginlab import UnavailableError
import typing
from . import data
from . import experiment
from . import kernel
from . import margin
from . import meanfield
from . import nn
__all__: list[str] = ['Error', 'FailedRunError', 'InputError', 'InternalError', 'UnavailableError', 'build_info', 'data', 'experiment', 'kernel', 'margin', 'meanfield', 'nn', 'set_threads', 'threads']
def _array_info(X: typing.Any) -> dict:
    """
    For tests: the address a 2-D input is read from, and whether it was copied.
    """
def build_info() -> dict:
    """
    What this build of the library contains.
    """
def set_threads(n: typing.SupportsInt | typing.SupportsIndex) -> None:
    """
    Worker threads for marginlab's parallel loops (0 = all cores). Results do not depend on it.
    """
def threads() -> int:
    """
    The worker thread count in use.
    """
__version__: str = '0.1.0'
