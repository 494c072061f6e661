"""Known wrong answers of momentum_weights: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
