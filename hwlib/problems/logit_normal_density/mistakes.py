"""Known wrong answers of logit_normal_density (hw3.q8); the format: docs/add-a-problem.md."""

MISTAKES = [
    {
        "name": "jacobian_forgotten",
        "score": 0,
        "phrase": "not the density of sigmoid(z)",
        "why": ('The normal density at z = logit(x) without the factor 1/(x(1-x)) of the change '
                'of variables.'),
        "code": '''\
p_x = "exp(-log(x/(1 - x))**2/2) / sqrt(2*pi)"
''',
    },
]
