"""Problem folder logit_normal_density: see problem.yaml and statement.md."""
