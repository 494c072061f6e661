def transpose_conv1d_symbolic(inputs, kernel, stride):
    """1D transpose convolution of named inputs with a named kernel, as formula strings."""
    ### BEGIN SOLUTION
    n_out = (len(inputs) - 1) * stride + len(kernel)
    terms = [[] for _ in range(n_out)]
    for i, a in enumerate(inputs):
        for j, w in enumerate(kernel):
            terms[i * stride + j].append(f"{a}*{w}")
    return [" + ".join(t) if t else "0" for t in terms]
    ### END SOLUTION
