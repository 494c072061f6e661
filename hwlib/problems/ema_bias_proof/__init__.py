"""Problem folder ema_bias_proof: see problem.yaml and statement.md."""
