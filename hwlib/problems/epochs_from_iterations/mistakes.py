"""Known wrong answers of epochs_from_iterations: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
