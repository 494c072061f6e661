def bn_relu_conv_params(channels, kernel_size):
    """Parameters of BN -> ReLU -> k x k conv with C channels in and out."""
    ### BEGIN SOLUTION
    c = channels
    return 2 * c + c * c * kernel_size ** 2 + c
    ### END SOLUTION
