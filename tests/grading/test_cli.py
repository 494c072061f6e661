"""The `grade` sub-command: its arguments and limit overrides."""
from __future__ import annotations

import argparse

import pytest

from hwlib.cli import build_parser
from hwlib.grading import cli, sandbox


def test_grade_command_is_registered():
    """Does `python -m hwlib grade hw2 ...` parse into the grade handler?"""
    args = build_parser().parse_args(
        ["grade", "hw2", "--course", "c", "--submissions", "s", "--jobs", "3",
         "--seed", "7", "--force", "--limit", "call_timeout=5"])
    assert args.func is cli.run
    assert (args.assignment, args.course, args.submissions, args.jobs, args.seed,
            args.force, args.limit) == ("hw2", "c", "s", 3, 7, True, [("call_timeout", 5.0)])


def test_defaults():
    """Are the defaults the course directory, all cores and a secret seed?"""
    args = build_parser().parse_args(["grade", "all"])
    assert (args.course, args.submissions, args.jobs, args.seed, args.force) == (
        "assignments", None, None, None, False)


def test_limit_overrides_keep_integer_limits_integral():
    """Does --limit set float and integer limits with the right types?"""
    limits = cli._limits([("call_timeout", 2.5), ("max_processes", 16.0)])
    assert limits.call_timeout == 2.5 and limits.max_processes == 16
    assert isinstance(limits.max_processes, int)
    assert limits.cell_timeout == sandbox.Limits().cell_timeout


def test_unknown_limit_is_rejected():
    """Is a misspelt limit name a ValueError naming it?"""
    with pytest.raises(ValueError, match="call_timout"):
        cli._limits([("call_timout", 1.0)])


def test_malformed_limit_is_an_argument_error():
    """Is --limit without '=' or with a non-number refused by the parser?"""
    with pytest.raises(argparse.ArgumentTypeError):
        cli.parse_limit("call_timeout")
    with pytest.raises(argparse.ArgumentTypeError):
        cli.parse_limit("call_timeout=fast")


def test_missing_course_is_exit_code_2(tmp_path, capsys):
    """Does grading a folder without manifest.json fail with exit code 2?"""
    args = build_parser().parse_args(["grade", "hw2", "--course", str(tmp_path)])
    assert args.func(args) == 2
    assert "no manifest.json" in capsys.readouterr().err
