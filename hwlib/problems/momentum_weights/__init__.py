"""Problem folder momentum_weights: see problem.yaml and statement.md."""
