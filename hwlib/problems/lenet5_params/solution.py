def lenet5_params(in_size, classes):
    """Parameters of the five weighted layers of LeNet-5 for 28 x 28 inputs."""
    ### BEGIN SOLUTION
    s = (in_size + 2 * 2 - 5 + 1) // 2      # conv1 keeps 28 x 28 (padding 2), pool halves
    s = (s - 5 + 1) // 2                    # conv2 without padding, pool halves
    flat = 16 * s * s
    layers = [6 * (1 * 25 + 1), 16 * (6 * 25 + 1), flat * 120 + 120, 120 * 84 + 84,
              84 * classes + classes]
    return {"layers": layers, "total": sum(layers)}
    ### END SOLUTION
