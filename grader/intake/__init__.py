"""Collect: what was submitted, found in the parent, before any grading.

Walks the submissions folder (collect.py; the exchange's inbound/ layout: inbound.py) through
descriptors (snapshots.py), decides who made each entry and when (identity.py) and reads each
notebook once into the run's private copy (submission.py). Everything here is hostile: names,
links, file types, sizes, times; nothing is executed or parsed as a notebook here.
"""
