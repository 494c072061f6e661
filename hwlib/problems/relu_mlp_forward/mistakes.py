"""Known wrong answers of relu_mlp_forward: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
