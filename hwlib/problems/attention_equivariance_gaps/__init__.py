"""Problem folder attention_equivariance_gaps: see problem.yaml and statement.md."""
