"""Synthetic results for the claim rules (issue 20): build an in-memory `Results` from plain
records, run an experiment's analysis on it, and read the verdicts back. Every rule is tested
with records made to come out supported, not supported and inconclusive."""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))
from marginlab import results  # noqa: E402
from marginlab.report import VERDICTS  # noqa: E402


def run(params, finals=None, trace=None, artifacts=None, trial=0, point=0, status="done"):
    """One record: params (values as the store keeps them: strings), finals {metric: value},
    trace {metric: (steps, values)}."""
    r = results.Run(id=0, point=point, trial=trial, seed=trial, params={k: str(v) for k, v in params.items()},
                    status=status, error="", seconds=1.0)
    r.finals = dict(finals or {})
    r.trace = {k: (list(s), list(v)) for k, (s, v) in (trace or {}).items()}
    r.artifacts = dict(artifacts or {})
    return r


def results_of(experiment, runs, scale="quick", directory="."):
    for k, r in enumerate(runs):
        r.id = k + 1
    return results.Results(pathlib.Path(directory), {"experiment": experiment, "scale": scale}, list(runs))


def analyze(module, experiment, runs, tmp_path):
    """Runs `module.analyze` on the records; returns the Analysis."""
    fig_dir = pathlib.Path(tmp_path) / "figures"
    fig_dir.mkdir(exist_ok=True)
    return module.analyze(results_of(experiment, runs, directory=tmp_path), fig_dir)


def verdict(an, prefix):
    """The verdict of the one claim whose text starts with `prefix`."""
    hits = [c for c in an.claims if c.claim.startswith(prefix)]
    assert len(hits) == 1, (prefix, [c.claim for c in an.claims])
    assert hits[0].verdict in VERDICTS
    return hits[0].verdict


def claim(an, prefix):
    hits = [c for c in an.claims if c.claim.startswith(prefix)]
    assert len(hits) == 1, (prefix, [c.claim for c in an.claims])
    return hits[0]
