"""Check of hw3.q4: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _cmp_exact

compare = _cmp_exact
