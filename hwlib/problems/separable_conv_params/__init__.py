"""Problem folder separable_conv_params: see problem.yaml and statement.md."""
