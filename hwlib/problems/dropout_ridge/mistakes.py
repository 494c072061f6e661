"""Known wrong answers of dropout_ridge: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
