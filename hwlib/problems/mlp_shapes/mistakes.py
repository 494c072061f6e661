"""Known wrong answers of mlp_shapes: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
