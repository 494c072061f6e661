"""Known wrong answers of residual_block_params: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
