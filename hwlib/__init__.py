"""hwlib: verified reference implementations for the course's homework problems.

Topic modules (one operation per function): :mod:`hwlib.optim`,
:mod:`hwlib.conv`, :mod:`hwlib.params`, :mod:`hwlib.norm`,
:mod:`hwlib.dropout`, :mod:`hwlib.density`, :mod:`hwlib.attention`,
:mod:`hwlib.mlp`. The problem registry (:mod:`hwlib.registry`) maps every
homework sub-problem id to its reference answer.
"""
from .registry import get, practice, solve

__all__ = ["get", "practice", "solve"]
__version__ = "0.1.0"
