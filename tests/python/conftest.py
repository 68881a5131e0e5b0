"""Shared fixtures: where the built CLI is (MARGINLAB_CLI, default build/marginlab)."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cli():
    path = pathlib.Path(os.environ.get("MARGINLAB_CLI", ROOT / "build" / "marginlab"))
    if not path.exists():
        pytest.fail(f"marginlab CLI not found at {path}: build first (scripts/build)")

    def run(*args, check=True):
        r = subprocess.run([str(path), *map(str, args)], capture_output=True, text=True)
        if check and r.returncode != 0:
            raise AssertionError(f"marginlab {' '.join(map(str, args))} failed ({r.returncode}): {r.stderr}")
        return r

    return run
