"""Known wrong answers of conv1d_params (hw3.q3); the format: docs/add-a-problem.md."""

MISTAKES = [
    {
        "name": "bias_counted_as_weights",
        "score": 0,
        "phrase": "the biases were counted in the weights too",
        "hint": ("the biases were counted in the weights too: a layer has k * C_in * C_out weights "
                 "and C_out biases"),
        "why": ("The biases are added to the weights as well: every layer's weight count is too "
                'large by its output channels, in every case.'),
        "code": '''\
def conv1d_params(in_channels, layers):
    out, c = [], in_channels
    for k, c_out in layers:
        out.append([c_out * c * k + c_out, c_out])
        c = c_out
    return out
''',
    },
]
