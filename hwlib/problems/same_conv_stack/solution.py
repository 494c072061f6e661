def same_conv_stack(in_shape, channels, kernel_size, stride):
    """Parameters and output shapes of stacked SAME-padded strided convolutions."""
    ### BEGIN SOLUTION
    c, h, w = in_shape
    params, outputs = [], []
    for c_out in channels:
        h, w = -(-h // stride), -(-w // stride)      # ceil division
        params.append(c_out * (c * kernel_size ** 2 + 1))
        outputs.append([c_out, h, w])
        c = c_out
    return {"params": params, "outputs": outputs, "total": sum(params)}
    ### END SOLUTION
