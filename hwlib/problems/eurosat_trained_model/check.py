"""Check of hw1.p4: how the answer is compared, and the known mistakes it names."""

# Graded from the saved file by hwlib.train.grade_trained_model (nothing to compare).
VALUE_LABEL = "eurosat_model.pt"
