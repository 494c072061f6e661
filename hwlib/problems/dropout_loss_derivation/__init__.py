"""Problem folder dropout_loss_derivation: see problem.yaml and statement.md."""
