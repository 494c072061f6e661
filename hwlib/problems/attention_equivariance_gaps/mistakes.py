"""Known wrong answers of attention_equivariance_gaps: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
