"""Problem folder conv1d_params: see problem.yaml and statement.md."""
