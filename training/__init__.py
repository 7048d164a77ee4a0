"""Fitting the answer selector's weights from data files given as arguments.

Not part of the installed package: run from a checkout, ``python -m training.fit``.
"""
