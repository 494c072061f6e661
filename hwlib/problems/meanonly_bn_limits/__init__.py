"""Problem folder meanonly_bn_limits: see problem.yaml and statement.md."""
