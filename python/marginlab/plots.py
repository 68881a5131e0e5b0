"""Shared matplotlib helpers: a non-interactive backend, consistent panels, PNG + SVG output."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.ticker  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from . import stats  # noqa: E402

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"]


def panels(n, width=4.6, height=3.6):
    fig, axes = plt.subplots(1, n, figsize=(width * n, height), squeeze=False)
    return fig, axes[0]


def grid(rows, cols, width=4.6, height=3.6):
    """rows × cols panels as a list of rows (each a list of axes)."""
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False)
    return fig, [list(r) for r in axes]


def band_plot(ax, series_list, label, color, transform=None):
    """Mean line with a min–max band over trials."""
    steps, mean, lo, hi = stats.band(series_list)
    if not steps:
        return
    if transform:
        mean, lo, hi = transform(mean), transform(lo), transform(hi)
    ax.plot(steps, mean, color=color, label=label, lw=1.8)
    ax.fill_between(steps, lo, hi, color=color, alpha=0.2, lw=0)


def label_log_xticks(ax, values):
    """On a log x axis, label exactly the given grid values in plain numbers and drop the minor
    labels (matplotlib's 3×10¹-style minor labels collide on short decades)."""
    ax.set_xticks(list(values))
    ax.set_xticklabels([f"{v:g}" for v in values])
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())


def save(fig, fig_dir, stem):
    fig.tight_layout()
    fig.savefig(fig_dir / f"{stem}.png", dpi=130)
    fig.savefig(fig_dir / f"{stem}.svg")
    plt.close(fig)
