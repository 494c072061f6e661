"""Problem folder bn_backward_derivation: see problem.yaml and statement.md."""
