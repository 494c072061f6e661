def dilated_input_indices(kernel_size, dilation, stride, k):
    """1-based input indices read by output z_k (dilation = zeros between taps)."""
    ### BEGIN SOLUTION
    start = 1 + stride * (k - 1)
    return [start + j * (dilation + 1) for j in range(kernel_size)]
    ### END SOLUTION
