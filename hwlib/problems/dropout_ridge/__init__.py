"""Problem folder dropout_ridge: see problem.yaml and statement.md."""
