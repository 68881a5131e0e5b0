"""One module per experiment: analyze(results, fig_dir) -> report.Analysis."""
