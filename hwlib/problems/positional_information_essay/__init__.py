"""Problem folder positional_information_essay: see problem.yaml and statement.md."""
