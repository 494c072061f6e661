"""Known wrong answers of logit_normal_density: none recorded yet; the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = []
