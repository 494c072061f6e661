"""Problem folder separable_conv_counts: see problem.yaml and statement.md."""
