"""Problem folder bn_backward: see problem.yaml and statement.md."""
