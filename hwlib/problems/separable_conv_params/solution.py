def separable_params(c_in, c_out, kernel_size):
    """Weights of a standard vs a depthwise-separable convolution (no biases)."""
    ### BEGIN SOLUTION
    k2 = kernel_size * kernel_size
    depthwise, pointwise = c_in * k2, c_in * c_out
    return {"standard": c_out * c_in * k2, "depthwise": depthwise,
            "pointwise": pointwise, "separable": depthwise + pointwise}
    ### END SOLUTION
