"""Problem folder eurosat_cnn_layers: see problem.yaml and statement.md."""
