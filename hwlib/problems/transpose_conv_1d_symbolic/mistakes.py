"""Known wrong answers of transpose_conv_1d_symbolic (hw2.q2c_1d); the format: docs/add-a-problem.md."""

MISTAKES = [
    {
        "name": "kernel_flipped",
        "score": 0,
        "phrase": "should be",
        "why": ('The kernel is flipped (true convolution): with distinct kernel names of length '
                '>= 2 the first entry is already wrong, in every case.'),
        "code": '''\
def transpose_conv1d_symbolic(inputs, kernel, stride):
    kernel = kernel[::-1]
    n_out = (len(inputs) - 1) * stride + len(kernel)
    terms = [[] for _ in range(n_out)]
    for i, a in enumerate(inputs):
        for j, w in enumerate(kernel):
            terms[i * stride + j].append(f"{a}*{w}")
    return [" + ".join(t) if t else "0" for t in terms]
''',
    },
]
