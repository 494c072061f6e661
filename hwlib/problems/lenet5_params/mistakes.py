"""Known wrong answers of lenet5_params (hw4.q4); the format: docs/add-a-problem.md."""

MISTAKES = [
    {
        "name": "conv1_padding_forgotten",
        "score": 0,
        "phrase": "conv1 was taken without its padding of 2",
        "hint": "conv1 was taken without its padding of 2: the map entering fc1 is 16 x 5 x 5",
        "why": ('conv1 taken without its padding of 2: the flattened map is 16 x 4 x 4 instead '
                'of 16 x 5 x 5, so fc1 and the total are wrong in every case.'),
        "code": '''\
def lenet5_params(in_size, classes):
    s = (in_size - 5 + 1) // 2
    s = (s - 5 + 1) // 2
    layers = [6 * 26, 16 * (6 * 25 + 1), 16 * s * s * 120 + 120, 120 * 84 + 84,
              84 * classes + classes]
    return {"layers": layers, "total": sum(layers)}
''',
    },
]
