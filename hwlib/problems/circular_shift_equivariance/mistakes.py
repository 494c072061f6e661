"""Known wrong answers of circular_shift_equivariance: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
