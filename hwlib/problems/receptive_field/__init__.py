"""Problem folder receptive_field: see problem.yaml and statement.md."""
