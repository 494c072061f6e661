"""Numbers the site states in prose, recomputed from their sources.

Each test pins one figure written on a book page, so that the page and the
computation cannot drift apart silently.
"""
from __future__ import annotations

import csv
import math
import statistics
from pathlib import Path

import numpy as np
import pytest

from hwlib import optim

ROOT = Path(__file__).resolve().parents[1]
EUROSAT_RUNS = ROOT / "book" / "results" / "eurosat-ablation"
TOL = 1e-12


@pytest.mark.parametrize("beta, n, divisor", [(0.9, 10, 0.6513), (0.99, 100, 0.6340),
                                              (0.999, 1000, 0.6323)])
def test_ema_divisor_after_one_over_one_minus_beta_steps(beta, n, divisor):
    """Is the total EMA weight after n = 1/(1-beta) steps still only ~0.63, as
    optimisation.md says (brute-force sum of the weights, not the closed form)?"""
    total = float(np.sum(optim.ema_weights(n, beta)))
    assert total == pytest.approx(divisor, abs=5e-5)
    assert total == pytest.approx(1 - math.exp(-1), abs=0.02)


@pytest.mark.parametrize("beta, first", [(0.9, 44), (0.999, 4603)])
def test_ema_divisor_passes_099(beta, first):
    """After how many steps does the EMA's total weight first reach 0.99
    (optimisation.md: 44 for beta 0.9, 4,603 for beta 0.999)?"""
    n = 1
    while float(np.sum(optim.ema_weights(n, beta))) < 0.99 - TOL:
        n += 1
    assert n == first


def _last_epochs_swing(run: str, epochs: int = 10) -> tuple[float, float]:
    with open(EUROSAT_RUNS / run / "history.csv", newline="") as f:
        acc = [100 * float(row["test_acc"]) for row in csv.DictReader(f)][-epochs:]
    steps = [abs(a - b) for a, b in zip(acc[1:], acc[:-1])]
    return statistics.median(steps), max(steps)


def test_eurosat_epoch_to_epoch_swing():
    """Does the training page's swing of the test accuracy over the last ten
    epochs (median step 0.6-3.1 points, largest 15.5) match the recorded runs?"""
    swings = {run: _last_epochs_swing(run)
              for run in ("BN-drop", "BN-nodrop", "noBN-drop", "noBN-nodrop")}
    medians = sorted(round(m, 1) for m, _ in swings.values())
    assert (medians[0], medians[-1]) == (0.6, 3.1)
    assert round(max(mx for _, mx in swings.values()), 1) == 15.5
    assert max(swings, key=lambda r: swings[r][1]) == "BN-nodrop"
    page = " ".join((ROOT / "book" / "src" / "training.md").read_text().split())
    assert "0.6 to 3.1 points" in page and "largest single jump is 15.5 points" in page
