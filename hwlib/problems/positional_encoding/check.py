"""Check of hw1.p3b: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _cmp_array

compare = _cmp_array
