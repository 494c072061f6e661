"""Problem folder relu_mlp_forward: see problem.yaml and statement.md."""
