"""Problem folder meanonly_bn_backward: see problem.yaml and statement.md."""
