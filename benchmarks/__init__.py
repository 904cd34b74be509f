"""Benchmarks of crmstudy's data layer and model fits against the peer libraries (issue 11).

Run ``python -m benchmarks`` (``make bench``) from the repository root; ``--help`` lists the
options. Every timed case runs in a fresh subprocess (so peak memory is that case's own), the
peers in their own virtual environments under ``benchmarks/.peers/`` (created with pip on first
use). The table of medians and peak memory is printed and written to ``benchmarks/results/``.

This package imports nothing outside the standard library at import time, so the peer
environments (which do not have crmstudy) can run :mod:`benchmarks.peer_worker`.
"""
