"""Check of hw1.p4: how the answer is compared, and the known mistakes it names."""

# Graded from the saved file by hwlib.train.grade_trained_model on the held-out images of
# the course's split (hwlib.data.stratified_split); nothing to compare here.
VALUE_LABEL = "eurosat_model.pt"
# (minimum test accuracy, fraction of the points), best first: the statement is filled from these.
THRESHOLDS = ((0.90, 1.0), (0.80, 0.6), (0.5, 0.3))


def template_values() -> dict:
    """What the statement and skeleton are filled with besides the parameters."""
    from hwlib import data

    return {"thresholds": THRESHOLDS, "test_fraction": data.TEST_FRACTION,
            "split_seed": data.SPLIT_SEED}
