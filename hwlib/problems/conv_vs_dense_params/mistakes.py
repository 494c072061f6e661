"""Known wrong answers of conv_vs_dense_params: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
