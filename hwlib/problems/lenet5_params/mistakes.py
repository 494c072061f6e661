"""Known wrong answers of lenet5_params: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
