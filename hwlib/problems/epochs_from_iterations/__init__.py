"""Problem folder epochs_from_iterations: see problem.yaml and statement.md."""
