"""Problem folder lenet5_regularisation_experiments: see problem.yaml and statement.md."""
