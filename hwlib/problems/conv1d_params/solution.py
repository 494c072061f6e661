def conv1d_params(in_channels, layers):
    """[weights, biases] of each stacked 1D convolution layer."""
    ### BEGIN SOLUTION
    out, c = [], in_channels
    for k, c_out in layers:
        out.append([c_out * c * k, c_out])
        c = c_out
    return out
    ### END SOLUTION
