"""Problem folder conv_vs_dense_reasons: see problem.yaml and statement.md."""
