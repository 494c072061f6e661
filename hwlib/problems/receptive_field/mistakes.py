"""Known wrong answers of receptive_field: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
