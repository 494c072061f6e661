"""Known wrong answers of same_conv_stack: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
