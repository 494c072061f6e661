"""Problem folder mlp_shapes: see problem.yaml and statement.md."""
