"""Known wrong answers of receptive_field (hw3.q2); the format: docs/add-a-problem.md."""

MISTAKES = [
    {
        "name": "steps_not_samples",
        "score": 0,
        "phrase": "this counts the steps between the first and last input sample",
        "hint": ("this counts the steps between the first and last input sample; the field is the "
                 "number of samples, one more"),
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
    {
        "name": "dilation_ignored",
        "score": 0,
        "phrase": "the dilation was left out",
        "hint": ("the dilation was left out: a layer with dilation d widens the field by (k - 1)(d "
                 "+ 1) steps of its input"),
        "why": ("Each layer widens the field by k - 1 input steps, dilation left out: right "
                "whenever every dilation is 0; the case design always asks dilated layers, so "
                "it scores 0."),
        "code": '''\
def receptive_field(kernel_sizes, strides, dilations):
    rf, jump = 1, 1
    for k, s in zip(kernel_sizes, strides):
        rf += (k - 1) * jump
        jump *= s
    return rf
''',
    },
]
