"""Check of hw2.q2c: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _cmp_array

compare = _cmp_array
