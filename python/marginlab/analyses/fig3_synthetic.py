"""fig3-synthetic — Wei et al. 2019, Fig. 3 left (§F.2): test error and normalized margin against
the hidden width, averaged over the trials that reach zero training error (as in the paper)."""
from . import _width


def analyze(res, fig_dir):
    return _width.analyze(res, fig_dir, "fig3-synthetic", "Wei et al. 2019, Fig. 3 left / §F.2, Thm 4.3")
