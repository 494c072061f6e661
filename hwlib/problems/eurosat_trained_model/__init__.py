"""Problem folder eurosat_trained_model: see problem.yaml and statement.md."""
