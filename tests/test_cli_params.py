"""The command line's reading of ``--param name=value``."""
from __future__ import annotations

import json

import pytest

from hwlib import cli, optim


@pytest.mark.parametrize("raw, value", [("False", False), ("false", False), ("TRUE", True),
                                        ("true", True), ("None", None), ("null", None),
                                        ("3", 3), ("[1, 2]", [1, 2]), ("abc", "abc"),
                                        ('"False"', "False")])
def test_param_values(raw, value):
    """Is each value read as the Python value a person means (a quoted JSON string
    stays a string)?"""
    name, parsed = cli.parse_param(f"x={raw}")
    assert name == "x" and parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize("flag, epochs", [("False", 2.5), ("True", 10 / 3)])
def test_cli_drop_last_is_a_boolean(flag, epochs, capsys):
    """Does `solve hw3.q9 --param drop_last=False` keep the last partial batch
    (4 batches of 10 samples in threes: 2.5 epochs in 10 iterations), and True drop it?"""
    code = cli.main(["solve", "hw3.q9", "--json", "--param", "iterations=10",
                     "--param", "dataset_size=10", "--param", "batch_size=3",
                     "--param", f"drop_last={flag}"])
    assert code == 0
    assert json.loads(capsys.readouterr().out) == pytest.approx(epochs)


def test_library_refuses_a_string_drop_last():
    """Does the library refuse drop_last='False' (a truthy string) by name?"""
    with pytest.raises(ValueError, match="drop_last must be True or False"):
        optim.epochs_from_iterations(10, 10, 3, "False")
