"""Problem folder eurosat_training_report: see problem.yaml and statement.md."""
