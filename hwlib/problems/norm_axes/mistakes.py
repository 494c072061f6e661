"""Known wrong answers of norm_axes: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
