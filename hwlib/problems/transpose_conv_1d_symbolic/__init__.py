"""Problem folder transpose_conv_1d_symbolic: see problem.yaml and statement.md."""
