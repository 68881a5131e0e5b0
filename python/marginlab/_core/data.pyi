"""
data generators and readers
"""
from __future__ import annotations
import typing
__all__: list[str] = ['generate', 'load', 'sources']
def generate(*args, **kwargs) -> typing.Any:
    """
    A generator's data from keyword parameters.
    
    generate('wei-d', d=10, n=200, seed=1) equals load('wei-d:d=10,n=200,seed=1'); each value is
    used as it is (never pasted into a spec string). sources() lists the generators and their
    parameters.
    
    Parameters
    ----------
    source : str
        the generator's name (sources() lists them)
    **params
        the generator's parameters
    
    Returns
    -------
    dict[str, Any]
        as load()
    """
def load(*args, **kwargs) -> typing.Any:
    """
    The data of a --data spec, a file or a folder, or of a source with keyword parameters.
    
    Read exactly as the CLI's --data reads it (the same numbers, bit for bit):
    load('wei-d:d=10,n=200'), load('data.csv'), load('data.npz') (members X and y, as numpy.savez
    writes), load('folder') (X.npy and y.npy), load(pathlib.Path(...)); or a source name with its
    parameters as keywords, each value used as it is (a file name may hold ',' or '='): load('csv',
    path='a,b.csv', label='y').
    
    Parameters
    ----------
    source : str | os.PathLike[str]
        a spec ('name:key=value,...'), a source name, a file or a folder
    **params
        the source's parameters (with a source name only)
    
    Returns
    -------
    dict[str, Any]
        X (n x d), y (n), kind (binary | class | real), num_classes, source
    """
def sources(*args, **kwargs) -> typing.Any:
    """
    Every data source, generator or reader, with its parameters.
    
    Returns
    -------
    list[dict[str, Any]]
        one dict per source: name, kind (generator | reader), summary, params (name, type, default,
        doc, choices)
    """
__signatures__: list = [{'name': 'sources', 'params': list(), 'returns': 'list[dict[str, Any]]', 'doc': 'Every data source, generator or reader, with its parameters.\n\nReturns\n-------\nlist[dict[str, Any]]\n    one dict per source: name, kind (generator | reader), summary, params (name, type, default,\n    doc, choices)\n', 'observed': False}, {'name': 'load', 'params': [{'name': 'source', 'annotation': 'str | os.PathLike[str]', 'default': None, 'doc': "a spec ('name:key=value,...'), a source name, a file or a folder", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'params', 'annotation': 'Any', 'default': '{}', 'doc': "the source's parameters (with a source name only)", 'keyword_only': True, 'var_keyword': True, 'field': ''}], 'returns': 'dict[str, Any]', 'doc': "The data of a --data spec, a file or a folder, or of a source with keyword parameters.\n\nRead exactly as the CLI's --data reads it (the same numbers, bit for bit):\nload('wei-d:d=10,n=200'), load('data.csv'), load('data.npz') (members X and y, as numpy.savez\nwrites), load('folder') (X.npy and y.npy), load(pathlib.Path(...)); or a source name with its\nparameters as keywords, each value used as it is (a file name may hold ',' or '='): load('csv',\npath='a,b.csv', label='y').\n\nParameters\n----------\nsource : str | os.PathLike[str]\n    a spec ('name:key=value,...'), a source name, a file or a folder\n**params\n    the source's parameters (with a source name only)\n\nReturns\n-------\ndict[str, Any]\n    X (n x d), y (n), kind (binary | class | real), num_classes, source\n", 'observed': False}, {'name': 'generate', 'params': [{'name': 'source', 'annotation': 'str', 'default': None, 'doc': "the generator's name (sources() lists them)", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'params', 'annotation': 'Any', 'default': '{}', 'doc': "the generator's parameters", 'keyword_only': True, 'var_keyword': True, 'field': ''}], 'returns': 'dict[str, Any]', 'doc': "A generator's data from keyword parameters.\n\ngenerate('wei-d', d=10, n=200, seed=1) equals load('wei-d:d=10,n=200,seed=1'); each value is\nused as it is (never pasted into a spec string). sources() lists the generators and their\nparameters.\n\nParameters\n----------\nsource : str\n    the generator's name (sources() lists them)\n**params\n    the generator's parameters\n\nReturns\n-------\ndict[str, Any]\n    as load()\n", 'observed': False}]
