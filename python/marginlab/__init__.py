"""marginlab's Python side: reading results stores, figures, reports and claims.

The numerical work is done by the C++ library and CLI; this package turns a results folder
written by `marginlab run` into figures (matplotlib), report.md / report.html and summary.json.
Run it with Debian's /usr/bin/python3 (numpy and matplotlib are installed there).
"""
__version__ = "0.1.0"
