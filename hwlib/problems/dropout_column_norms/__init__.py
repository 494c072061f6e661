"""Problem folder dropout_column_norms: see problem.yaml and statement.md."""
