"""Problem folder positional_encoding: see problem.yaml and statement.md."""
