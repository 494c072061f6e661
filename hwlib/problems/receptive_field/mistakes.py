"""Known wrong answers of receptive_field (hw3.q2); the format: docs/add-a-problem.md."""

MISTAKES = [
    {
        "name": "steps_not_samples",
        "score": 0,
        "phrase": "should be",
        "why": ('The span counted in steps between the first and last sample (one less than the '
                'samples it covers).'),
        "code": '''\
def receptive_field(kernel_sizes, strides, dilations):
    rf, jump = 0, 1
    for k, s, d in zip(kernel_sizes, strides, dilations):
        rf += (k - 1) * (d + 1) * jump
        jump *= s
    return rf
''',
    },
]
