"""Known wrong answers of eurosat_cnn_layers: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
