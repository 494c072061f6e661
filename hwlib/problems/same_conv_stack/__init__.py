"""Problem folder same_conv_stack: see problem.yaml and statement.md."""
