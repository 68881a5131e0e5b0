"""docs/python.md's examples run, in order, in one namespace, in an empty folder; the example
script runs; the committed typed stubs are what scripts/gen-stubs writes from the module."""
import os
import pathlib
import re
import runpy
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_python_md_examples_run(tmp_path, monkeypatch):
    text = (ROOT / "docs" / "python.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 6
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for i, code in enumerate(blocks):
        try:
            exec(compile(code, f"docs/python.md block {i + 1}", "exec"), namespace)
        except Exception as e:
            raise AssertionError(f"docs/python.md block {i + 1} failed: {e!r}\n{code}") from e


def test_thm21_example_shows_the_separation(capsys):
    runpy.run_path(str(ROOT / "examples" / "thm21_small.py"), run_name="__main__")
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[1:]]
    assert [r[0] for r in rows] == ["8", "12", "16"]
    for d, n_net, n_ntk in rows:
        assert float(n_net) < float(n_ntk), f"d = {d}: the net needs no fewer samples than the kernel"
    assert len(open(ROOT / "examples" / "thm21_small.py").read().splitlines()) <= 40


def test_stubs_and_generated_functions_are_current(tmp_path):
    r = subprocess.run([str(ROOT / "scripts" / "gen-stubs"), str(tmp_path)], capture_output=True, text=True,
                       env=dict(os.environ, PATH=os.environ.get("PATH", "")))
    assert r.returncode == 0, r.stderr
    for folder, pattern in (("_core", "*.pyi"), ("_api", "*.py")):
        committed = ROOT / "python" / "marginlab" / folder
        new_files = sorted((tmp_path / "marginlab" / folder).glob(pattern))
        assert new_files, folder
        assert sorted(p.name for p in committed.glob(pattern)) == [p.name for p in new_files], folder
        for new in new_files:
            old = committed / new.name
            assert old.read_text() == new.read_text(), f"{old} is stale: run scripts/gen-stubs"
