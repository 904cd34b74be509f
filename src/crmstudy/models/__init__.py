"""Probability models of customer behaviour, fitted by maximum likelihood.

One module per model, each a subclass of :class:`crmstudy.models._base.LikelihoodModel`.
"""
