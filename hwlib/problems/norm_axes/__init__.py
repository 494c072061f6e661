"""Problem folder norm_axes: see problem.yaml and statement.md."""
