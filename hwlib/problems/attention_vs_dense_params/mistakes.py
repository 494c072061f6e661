"""Known wrong answers of attention_vs_dense_params: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
