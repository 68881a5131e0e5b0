"""
experiments: run a sweep into a results store
"""
from __future__ import annotations
import typing
__all__: list[str] = ['list', 'merge', 'run']
def list(*args, **kwargs) -> typing.Any:
    """
    The built-in experiments.
    
    Returns
    -------
    list[dict[str, Any]]
        name, title, kind, path, scales
    """
def merge(*args, **kwargs) -> typing.Any:
    """
    Merges the results folders of a sweep's shards, as `marginlab merge`.
    
    Every trial once: exactly what one plain run stores; trials no shard ran stay pending.
    
    Parameters
    ----------
    inputs : Sequence[str | os.PathLike[str]]
        the shards' folders
    out : str | os.PathLike[str]
        the merged folder
    
    Returns
    -------
    dict[str, Any]
        inputs, trials, copied, duplicates, failed, pending
    """
def run(*args, **kwargs) -> typing.Any:
    """
    Runs an experiment's sweep into its resumable results folder, as `marginlab run` does.
    
    Finished trials are kept; a rerun runs only the others. Failed trials raise
    marginlab.FailedRunError naming the first (every reason is in the store; a rerun retries them).
    Ctrl-C stops within about a second: finished trials stay stored, the running ones are reset to
    pending by the next run.
    
    Parameters
    ----------
    name : str | os.PathLike[str]
        a built-in experiment's name (list()) or a TOML file
    scale : str, default 'quick'
        the scale: smoke, quick or paper (the TOML's [scales.*])
    out : str | os.PathLike[str] | None, default None
        the results folder (None: runs/<name>-<scale>)
    set : Sequence[str], default ()
        overrides 'key=value', as the CLI's --set
    threads : int, default 0
        worker threads, each running whole trials (0: all cores; at most 1024)
    max_trials : int, default 0
        stop after this many trials (0: all)
    shard : str | None, default None
        'i/N': every N-th trial from the i-th, into a folder of its own (merge() joins them)
    progress : bool, default False
        show progress: a tqdm bar when tqdm is installed, else a line on stderr now and then
    callback : Callable[[dict[str, Any]], bool | None] | None, default None
        called with a dict at each finished trial (point, trial, ok, error, seconds, done, failed,
        total); returning False stops the computation early (termination 'stopped', with what it has
        so far); an exception it raises stops it and is re-raised
    
    Returns
    -------
    dict[str, Any]
        experiment, scale, out, total, already_done, ran, failed, remaining, termination, message,
        seconds, first_error
    """
__signatures__: list = [{'name': 'list', 'params': list(), 'returns': 'list[dict[str, Any]]', 'doc': 'The built-in experiments.\n\nReturns\n-------\nlist[dict[str, Any]]\n    name, title, kind, path, scales\n', 'observed': False}, {'name': 'run', 'params': [{'name': 'name', 'annotation': 'str | os.PathLike[str]', 'default': None, 'doc': "a built-in experiment's name (list()) or a TOML file", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'scale', 'annotation': 'str', 'default': "'quick'", 'doc': "the scale: smoke, quick or paper (the TOML's [scales.*])", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'out', 'annotation': 'str | os.PathLike[str] | None', 'default': 'None', 'doc': 'the results folder (None: runs/<name>-<scale>)', 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'set', 'annotation': 'Sequence[str]', 'default': '()', 'doc': "overrides 'key=value', as the CLI's --set", 'keyword_only': True, 'var_keyword': False, 'field': ''}, {'name': 'threads', 'annotation': 'int', 'default': '0', 'doc': 'worker threads, each running whole trials (0: all cores; at most 1024)', 'keyword_only': True, 'var_keyword': False, 'field': ''}, {'name': 'max_trials', 'annotation': 'int', 'default': '0', 'doc': 'stop after this many trials (0: all)', 'keyword_only': True, 'var_keyword': False, 'field': ''}, {'name': 'shard', 'annotation': 'str | None', 'default': 'None', 'doc': "'i/N': every N-th trial from the i-th, into a folder of its own (merge() joins them)", 'keyword_only': True, 'var_keyword': False, 'field': ''}, {'name': 'progress', 'annotation': 'bool', 'default': 'False', 'doc': 'show progress: a tqdm bar when tqdm is installed, else a line on stderr now and then', 'keyword_only': True, 'var_keyword': False, 'field': ''}, {'name': 'callback', 'annotation': 'Callable[[dict[str, Any]], bool | None] | None', 'default': 'None', 'doc': "called with a dict at each finished trial (point, trial, ok, error, seconds, done, failed, total); returning False stops the computation early (termination 'stopped', with what it has so far); an exception it raises stops it and is re-raised", 'keyword_only': True, 'var_keyword': False, 'field': ''}], 'returns': 'dict[str, Any]', 'doc': "Runs an experiment's sweep into its resumable results folder, as `marginlab run` does.\n\nFinished trials are kept; a rerun runs only the others. Failed trials raise\nmarginlab.FailedRunError naming the first (every reason is in the store; a rerun retries them).\nCtrl-C stops within about a second: finished trials stay stored, the running ones are reset to\npending by the next run.\n\nParameters\n----------\nname : str | os.PathLike[str]\n    a built-in experiment's name (list()) or a TOML file\nscale : str, default 'quick'\n    the scale: smoke, quick or paper (the TOML's [scales.*])\nout : str | os.PathLike[str] | None, default None\n    the results folder (None: runs/<name>-<scale>)\nset : Sequence[str], default ()\n    overrides 'key=value', as the CLI's --set\nthreads : int, default 0\n    worker threads, each running whole trials (0: all cores; at most 1024)\nmax_trials : int, default 0\n    stop after this many trials (0: all)\nshard : str | None, default None\n    'i/N': every N-th trial from the i-th, into a folder of its own (merge() joins them)\nprogress : bool, default False\n    show progress: a tqdm bar when tqdm is installed, else a line on stderr now and then\ncallback : Callable[[dict[str, Any]], bool | None] | None, default None\n    called with a dict at each finished trial (point, trial, ok, error, seconds, done, failed,\n    total); returning False stops the computation early (termination 'stopped', with what it has\n    so far); an exception it raises stops it and is re-raised\n\nReturns\n-------\ndict[str, Any]\n    experiment, scale, out, total, already_done, ran, failed, remaining, termination, message,\n    seconds, first_error\n", 'observed': True}, {'name': 'merge', 'params': [{'name': 'inputs', 'annotation': 'Sequence[str | os.PathLike[str]]', 'default': None, 'doc': "the shards' folders", 'keyword_only': False, 'var_keyword': False, 'field': ''}, {'name': 'out', 'annotation': 'str | os.PathLike[str]', 'default': None, 'doc': 'the merged folder', 'keyword_only': False, 'var_keyword': False, 'field': ''}], 'returns': 'dict[str, Any]', 'doc': "Merges the results folders of a sweep's shards, as `marginlab merge`.\n\nEvery trial once: exactly what one plain run stores; trials no shard ran stay pending.\n\nParameters\n----------\ninputs : Sequence[str | os.PathLike[str]]\n    the shards' folders\nout : str | os.PathLike[str]\n    the merged folder\n\nReturns\n-------\ndict[str, Any]\n    inputs, trials, copied, duplicates, failed, pending\n", 'observed': False}]
