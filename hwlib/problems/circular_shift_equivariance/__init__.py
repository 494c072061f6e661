"""Problem folder circular_shift_equivariance: see problem.yaml and statement.md."""
