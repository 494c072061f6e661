"""Problem folder ema_debiased: see problem.yaml and statement.md."""
