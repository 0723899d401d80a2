"""Collect: what was submitted, found in the parent, before any grading.

Walks the submissions folder (collect.py; the exchange's inbound/ layout: inbound.py) through
descriptors (snapshots.py), decides who made each entry and when (identity.py) and reads each
notebook once into the run's private copy (submission.py). Trusts nothing it reads: names,
links, file types, sizes and times are all hostile; nothing is executed or parsed as a notebook here
(the grading process checks the notebook), and every row's text is bounded before it leaves.
"""
