"""Grading: checkers (trusted comparison with the registry) and the sandboxed engine.

- :mod:`hwlib.grading.checkers`: ``cases``/``score``/``check`` per problem.
- :mod:`hwlib.grading.engine`: :func:`~hwlib.grading.engine.grade`, the
  parallel, sandboxed, resumable pipeline behind ``python -m hwlib grade``;
  its parts: ``submissions`` (collect, fingerprints, done-markers), ``pool``
  (the local process pool), ``report`` (the printed table), ``records``
  (what each grade used, in the gradebook), ``penalties`` (late penalties
  re-applied without regrading).
- :mod:`hwlib.grading.cluster` (``cluster_worker``, ``cluster_local``): the
  same tasks on a Dask cluster.
- :mod:`hwlib.grading.sandbox` (``sandbox_bwrap``, ``sandbox_containment``,
  ``sandbox_watchdog``) / :mod:`hwlib.grading.harness`: the bubblewrap
  sandbox and the script that runs inside it.
- :mod:`hwlib.grading.notebook`: reading untrusted submissions.
- :mod:`hwlib.grading.scoring`: manifest, secret cases, points.
- :mod:`hwlib.grading.gradebook`: nbgrader (release, gradebook, feedback, CSV).

The threat model and the limits are documented in ``docs/grading.md``.
Submodules are imported on use: importing this package costs nothing.
"""
