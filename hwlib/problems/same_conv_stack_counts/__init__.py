"""Problem folder same_conv_stack_counts: see problem.yaml and statement.md."""
