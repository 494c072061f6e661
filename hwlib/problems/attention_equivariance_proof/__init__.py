"""Problem folder attention_equivariance_proof: see problem.yaml and statement.md."""
