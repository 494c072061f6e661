"""Tests of eurosat_trained_model (hw1.p4): the split students are given is the grader's."""
import numpy as np
import torch

from hwlib import data
from hwlib.problems import folders, homeworks
from hwlib.problems.render import context, render

SLUG = "eurosat_trained_model"


def _skeleton_namespace() -> dict:
    folder = folders()[SLUG]
    _, entry = homeworks.locate()[SLUG]
    namespace = {}
    exec(render(folder, "skeleton.py", context(folder, entry)), namespace)  # TRAIN is False
    return namespace


def test_students_split_is_the_graders_split():
    """Does the skeleton's course_split (no hwlib) hold out exactly the images the grader tests on?"""
    course_split = _skeleton_namespace()["course_split"]
    labels = np.random.default_rng(7).integers(0, 10, 2_000)
    train, test = course_split(labels.tolist())
    want_train, want_test = data.stratified_split(torch.from_numpy(labels))
    assert train == want_train.tolist() and test == want_test.tolist()
    assert not set(train) & set(test)


def test_statement_states_the_thresholds_the_grader_uses():
    """Is every (accuracy, credit) pair of check.py written in the statement?"""
    folder = folders()[SLUG]
    _, entry = homeworks.locate()[SLUG]
    text = render(folder, "statement.md", context(folder, entry))
    for accuracy, _ in folder.module("check").THRESHOLDS:
        assert f"{100 * accuracy:.0f}%" in text
    assert "random 80/20" not in text and "held-out" in text   # the course split, not their own
