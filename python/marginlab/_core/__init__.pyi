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
def _check_size(*args, **kwargs) -> typing.Any:
    """
    Refuses an array whose float64 copy would not fit the memory budget.
    
    Nothing is copied.
    
    Parameters
    ----------
    a : ArrayLike
        the array
    name : str
        the argument's name, for messages
    
    Returns
    -------
    None
    """
def _float64(*args, **kwargs) -> typing.Any:
    """
    An array checked as every argument is and returned as float64.
    
    Parameters
    ----------
    a : ArrayLike
        the array
    name : str
        the argument's name, for messages
    ndim : int, default 0
        its number of dimensions (1 or 2; 0: either)
    allow_inf : bool, default False
        accept ±inf (never NaN)
    
    Returns
    -------
    NDArray[np.float64]
        a float64 array (the input when it is one, else one copy)
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
__signatures__: list = [{'name': 'set_threads', 'params': [{'name': 'n', 'annotation': 'int', 'default': None, 'doc': 'the thread count: 0 = all cores, at most 1024', 'keyword_only': False, 'var_keyword': False, 'field': ''}], 'returns': 'None', 'doc': "Sets the worker thread count of marginlab's parallel loops and BLAS.\n\nResults never depend on it (each piece of parallel work has its own random stream and reductions\nrun in a fixed order).\n\nParameters\n----------\nn : int\n    the thread count: 0 = all cores, at most 1024\n\nReturns\n-------\nNone\n", 'observed': False}, {'name': 'threads', 'params': list(), 'returns': 'int', 'doc': 'The worker thread count in use.\n\nReturns\n-------\nint\n    the count\n', 'observed': False}, {'name': 'build_info', 'params': list(), 'returns': 'dict[str, Any]', 'doc': 'What this build of the library contains.\n\nReturns\n-------\ndict[str, Any]\n    version and whether OpenBLAS, Clp, LIBSVM, SLEEF and MPI are built in\n', 'observed': False}, {'name': '_float64', 'params': [{'name': 'a', 'annotation': 'ArrayLike', 'default': None, 'doc': 'the array', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'name', 'annotation': 'str', 'default': None, 'doc': "the argument's name, for messages", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'ndim', 'annotation': 'int', 'default': '0', 'doc': 'its number of dimensions (1 or 2; 0: either)', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'allow_inf', 'annotation': 'bool', 'default': 'False', 'doc': 'accept ±inf (never NaN)', 'keyword_only': True, 'var_keyword': False, 'field': ''}], 'returns': 'NDArray[np.float64]', 'doc': "An array checked as every argument is and returned as float64.\n\nParameters\n----------\na : ArrayLike\n    the array\nname : str\n    the argument's name, for messages\nndim : int, default 0\n    its number of dimensions (1 or 2; 0: either)\nallow_inf : bool, default False\n    accept ±inf (never NaN)\n\nReturns\n-------\nNDArray[np.float64]\n    a float64 array (the input when it is one, else one copy)\n", 'observed': False}, {'name': '_check_size', 'params': [{'name': 'a', 'annotation': 'ArrayLike', 'default': None, 'doc': 'the array', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'name', 'annotation': 'str', 'default': None, 'doc': "the argument's name, for messages", 'keyword_only': False, 'var_keyword': False, 'field': ''}], 'returns': 'None', 'doc': "Refuses an array whose float64 copy would not fit the memory budget.\n\nNothing is copied.\n\nParameters\n----------\na : ArrayLike\n    the array\nname : str\n    the argument's name, for messages\n\nReturns\n-------\nNone\n", 'observed': False}]
__version__: str = '0.1.0'
