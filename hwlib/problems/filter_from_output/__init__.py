"""Problem folder filter_from_output: see problem.yaml and statement.md."""
