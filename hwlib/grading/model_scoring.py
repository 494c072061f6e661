"""Before scoring trained models: the grading worker loads the course's test data once."""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)

__all__ = ["prepare_model_scoring"]


def prepare_model_scoring() -> None:
    """Load the EuroSAT test split into this (worker) process, best effort.

    Model files are scored in a fresh fork of the worker per submission
    (:func:`hwlib.grading.scoring.score_bounded`); a fork inherits what the
    worker holds, so the split is read from the decoded cache once per worker
    instead of once per submission (seconds each). The data are the course's,
    never a submission's. Any failure is left to the scoring child, which
    reports it (pending for the instructor, never a 0).
    """
    try:
        import torch

        from ..train import test_split
    except ImportError:
        return
    threads = torch.get_num_threads()
    try:
        # one thread: an OpenMP team started here would hang the forks' own
        # parallel regions (libgomp is not fork-safe once it has run threads)
        torch.set_num_threads(1)
        test_split("eurosat")
    except Exception:
        log.debug("model scoring: test split not preloaded", exc_info=True)
    finally:
        torch.set_num_threads(threads)
