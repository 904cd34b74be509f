"""Figures: one module per topic (``plots.retention``, ``plots.clv``, ...).

Plot functions take results computed by the concept modules and draw them with seaborn and
matplotlib, returning the Figure. Plotting never computes a metric itself.
"""
