"""Problem folder meanonly_bn_formula: see problem.yaml and statement.md."""
