"""Known wrong answers of meanonly_bn_formula (hw2.q4_formula).

Each is the answer cell a student with that misconception would write. On every
grading run it must score exactly ``score`` (a fraction of the problem's points)
and its feedback must contain ``phrase`` (tests/test_problems.py checks both).
``sample`` names the bundled sample submission made from it (build_samples.py).
"""

MISTAKES = [
    {
        "name": "forgot_the_mean",
        "score": 0,
        "phrase": "not dL/dx_i",
        "why": ("The mean's own dependence on x_i is forgotten: gamma*g_i differs at every sample "
                'point.'),
        "code": '''\
meanonly_bn_formula = "gamma*g_i"
''',
    },
]
