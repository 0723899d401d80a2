"""Learner-side helpers shipped with every notebook.

* ``optim_helpers.data``: the temperature series and the moons data set.
* ``optim_helpers.network``: a small fully-connected network (forward, backward, cost, predict, train).
* ``optim_helpers.plots``: the figures the notebooks draw.
* ``optim_helpers.checks``: ``check(fn)``, instant feedback on your exercise functions.

Nothing here contains an exercise answer: ``check`` compares your function with
stored input/output examples in ``fixtures/``.
"""
