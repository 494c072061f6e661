"""Known wrong answers of attention_vs_dense_params (hw3.q6): none recorded yet.

Add each misconception seen in submissions as an entry: the answer cell, the
score it must get (a fraction of the points) and a phrase of its feedback; see
docs/add-a-problem.md. tests/test_problems.py checks every entry.
"""

MISTAKES: list[dict] = []
