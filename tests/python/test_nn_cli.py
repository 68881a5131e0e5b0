"""`marginlab train` end to end: TOML config and flag precedence, --save member names
and shapes (read back with numpy), --init-from round trip, thread-count independence,
and one-line errors for bad input."""
import json

import numpy as np


def trace(stdout):
    return [json.loads(l) for l in stdout.splitlines() if json.loads(l)["type"] == "trace"]


def test_save_names_shapes_and_init_from(cli, tmp_path):
    out = tmp_path / "p.npz"
    r = cli("train", "--data", "wei-d:n=40,d=6", "--width", 12, "--steps", 30, "--lambda", 1e-3,
            "--save", out, "--json")
    z = np.load(out)
    assert z["init/W1"].shape == (12, 6) and z["init/W2"].shape == (1, 12)
    assert z["final/W1"].shape == (12, 6) and z["final/W2"].shape == (1, 12)
    assert list(z["meta/dims"]) == [6, 12, 1]
    last = trace(r.stdout)[-1]
    assert last["step"] == 30
    # Continuing from final/ gives the same loss at step 0 as the end of the first run.
    r2 = cli("train", "--data", "wei-d:n=40,d=6", "--width", 12, "--steps", 0, "--lambda", 1e-3,
             "--init-from", out, "--init-key", "final", "--json")
    assert trace(r2.stdout)[0]["data_loss"] == last["data_loss"]


def test_trials_save_3d_and_threads_do_not_change_results(cli, tmp_path):
    args = ["train", "--data", "wei-d:n=40,d=6", "--width", 8, "--steps", 20, "--trials", 3]
    cli(*args, "--save", tmp_path / "a.npz", "--threads", 1)
    cli(*args, "--save", tmp_path / "b.npz", "--threads", 2)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    assert np.load(tmp_path / "a.npz")["final/W1"].shape == (3, 8, 6)


def test_toml_config_and_flag_precedence(cli, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('data = "wei-d:n=30,d=5"\nwidth = 10\ninit-std = [0.5, 0.5]\nsteps = 7\n')
    r = cli("train", "--config", cfg, "--steps", 3, "--json")
    assert trace(r.stdout)[-1]["step"] == 3
    cfg.write_text('data = "wei-d:n=30,d=5"\nwidht = 10\n')
    r = cli("train", "--config", cfg, check=False)
    assert r.returncode == 2
    assert "c.toml:2" in r.stderr and "widht" in r.stderr and len(r.stderr.splitlines()) == 1


def test_bad_input_is_one_line_exit_2(cli, tmp_path):
    for args in (["--loss", "hinge"], ["--optimizer", "sgd"], ["--depth", 0],
                 ["--init-from", tmp_path / "missing.npz"]):
        r = cli("train", "--data", "wei-d:n=30,d=5", *args, check=False)
        assert r.returncode == 2, args
        assert r.stderr.startswith("marginlab: error:") and len(r.stderr.splitlines()) == 1
