"""Known wrong answers of momentum_weights (hw3.q10); the format: docs/add-a-problem.md."""

MISTAKES = [
    {
        "name": "no_one_minus_beta",
        "score": 0,
        "phrase": "the factor (1 - beta) is missing from every weight",
        "hint": "the factor (1 - beta) is missing from every weight",
        "why": ('The factor (1 - beta) is left out: every weight is too large by 1/(1 - beta), '
                'in every case (beta < 1).'),
        "code": '''\
def momentum_weights(t, beta):
    return [beta ** k for k in range(t + 1)]
''',
    },
]
