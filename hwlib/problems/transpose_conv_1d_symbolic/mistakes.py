"""Known wrong answers of transpose_conv_1d_symbolic: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
