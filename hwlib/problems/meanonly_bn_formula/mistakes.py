"""Known wrong answers of meanonly_bn_formula (hw2.q4_formula); the format: docs/add-a-problem.md."""

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
