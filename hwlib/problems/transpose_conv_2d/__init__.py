"""Problem folder transpose_conv_2d: see problem.yaml and statement.md."""
