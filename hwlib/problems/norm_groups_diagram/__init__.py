"""Problem folder norm_groups_diagram: see problem.yaml and statement.md."""
