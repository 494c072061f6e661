"""Known wrong answers of bottleneck_params: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
