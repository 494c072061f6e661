def receptive_field(kernel_sizes, strides, dilations):
    """Receptive field (input samples) of a unit after stacked 1D convolutions."""
    ### BEGIN SOLUTION
    rf, jump = 1, 1
    for k, s, d in zip(kernel_sizes, strides, dilations):
        rf += (k - 1) * (d + 1) * jump   # a layer widens the field by its span, in input steps
        jump *= s
    return rf
    ### END SOLUTION
