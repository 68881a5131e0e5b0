"""fig3-mnist — Wei et al. 2019, Fig. 3 right (§F.2): test error and multi-class normalized margin
against width. Says which data set was used (MNIST, or Fashion-MNIST by default)."""
from . import _width


def analyze(res, fig_dir):
    runs = res.done()
    data = runs[0].params.get("data", "") if runs else ""
    an = _width.analyze(res, fig_dir, "fig3-mnist", "Wei et al. 2019, Fig. 3 right / §F.2, Thm 4.3")
    if "fashion-mnist" in data:
        an.notes.insert(0, "**Data: Fashion-MNIST, not MNIST** (this machine has no MNIST; pass MNIST IDX "
                           "files with `--set data=idx:images=…`). Training data: `" + data + "`.")
        an.figures = [(c + " — on Fashion-MNIST (not MNIST)", s) for c, s in an.figures]
    else:
        an.notes.insert(0, f"Training data: `{data}`.")
    return an
