"""Problem folder bottleneck_params: see problem.yaml and statement.md."""
