"""Is a trained model scored without re-reading the test split per submission, and do
the scoring forks still run torch after the worker preloaded it?

Each model file is scored in a fresh fork of the grading worker
(hwlib.grading.scoring.score_bounded). ``checkers.prepare_model_scoring`` loads
the EuroSAT test split into the worker first, so the forks inherit it. The
oracle for "inherited" is the process-level cache itself; for "still runs" a
fork that evaluates the reference model with two threads within a deadline (an
OpenMP team started in the worker would hang it).
"""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "assignments" / "samples" / "hw1" / "reference" / "eurosat_model.pt"

pytest.importorskip("torch")


def _needs_data():
    if not os.environ.get("HWLIB_DATA"):
        pytest.skip("real-data test: HWLIB_DATA is not set; run `python -m hwlib data fetch "
                    "eurosat --to DIR` and set HWLIB_DATA=DIR")


def test_prepare_keeps_the_split_and_restores_threads():
    """After prepare_model_scoring, is the test split cached in this process and the
    thread count what it was?"""
    _needs_data()
    import torch

    from hwlib.grading import checkers
    from hwlib.train import weights

    before = torch.get_num_threads()
    checkers.prepare_model_scoring()
    assert torch.get_num_threads() == before
    cached = [key for key in weights._TEST_SPLITS if key[0] == "eurosat"]
    assert cached, "the EuroSAT test split was not kept in the worker"
    x, y = weights._TEST_SPLITS[cached[0]]
    assert x.shape == (5400, 3, 64, 64) and y.shape == (5400,)


def test_a_fork_after_prepare_scores_the_reference_model():
    """Does a fork of a prepared worker evaluate the reference model (two torch threads)
    and get the reference accuracy, instead of hanging?"""
    _needs_data()
    script = textwrap.dedent(f"""
        import os, sys, torch
        torch.set_num_threads(2)
        from hwlib.grading import checkers
        checkers.prepare_model_scoring()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            from hwlib.train import grade_trained_model
            fraction, message = grade_trained_model({str(REFERENCE)!r})
            os.write(write, f"{{fraction}}|{{message}}".encode())
            os._exit(0)
        os.close(write)
        os.waitpid(pid, 0)
        print(os.read(read, 4096).decode())
    """)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=240, env=env, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    fraction, message = done.stdout.strip().split("|", 1)
    assert float(fraction) == 1.0
    assert "93.6" in message and "5,400" in message
