"""Problem folder attention_vs_dense_params: see problem.yaml and statement.md."""
