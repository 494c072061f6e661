"""Known wrong answers of positional_encoding: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
