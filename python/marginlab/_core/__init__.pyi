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
def build_info(*args, **kwargs) -> typing.Any:
    """
    What this build of the library contains.
    
    Returns
    -------
    dict[str, Any]
        version and whether OpenBLAS, Clp, LIBSVM, SLEEF and MPI are built in
    """
def set_threads(*args, **kwargs) -> typing.Any:
    """
    Sets the worker thread count of marginlab's parallel loops and BLAS.
    
    Results never depend on it (each piece of parallel work has its own random stream and reductions
    run in a fixed order).
    
    Parameters
    ----------
    n : int
        the thread count: 0 = all cores, at most 1024
    
    Returns
    -------
    None
    """
def threads(*args, **kwargs) -> typing.Any:
    """
    The worker thread count in use.
    
    Returns
    -------
    int
        the count
    """
__signatures__: list = [{'name': 'set_threads', 'params': [{'name': 'n', 'annotation': 'int', 'default': None, 'doc': 'the thread count: 0 = all cores, at most 1024', 'keyword_only': False, 'var_keyword': False, 'field': ''}], 'returns': 'None', 'doc': "Sets the worker thread count of marginlab's parallel loops and BLAS.\n\nResults never depend on it (each piece of parallel work has its own random stream and reductions\nrun in a fixed order).\n\nParameters\n----------\nn : int\n    the thread count: 0 = all cores, at most 1024\n\nReturns\n-------\nNone\n", 'observed': False}, {'name': 'threads', 'params': list(), 'returns': 'int', 'doc': 'The worker thread count in use.\n\nReturns\n-------\nint\n    the count\n', 'observed': False}, {'name': 'build_info', 'params': list(), 'returns': 'dict[str, Any]', 'doc': 'What this build of the library contains.\n\nReturns\n-------\ndict[str, Any]\n    version and whether OpenBLAS, Clp, LIBSVM, SLEEF and MPI are built in\n', 'observed': False}]
__version__: str = '0.1.0'
