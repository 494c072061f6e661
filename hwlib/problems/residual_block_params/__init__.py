"""Problem folder residual_block_params: see problem.yaml and statement.md."""
