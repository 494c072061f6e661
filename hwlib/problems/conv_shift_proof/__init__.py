"""Problem folder conv_shift_proof: see problem.yaml and statement.md."""
