"""Known wrong answers of conv1d_params: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
