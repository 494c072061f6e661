"""Problem folder dilated_conv_indices: see problem.yaml and statement.md."""
