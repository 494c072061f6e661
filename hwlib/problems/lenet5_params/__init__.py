"""Problem folder lenet5_params: see problem.yaml and statement.md."""
