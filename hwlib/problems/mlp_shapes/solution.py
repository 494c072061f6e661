def network_shapes(m):
    """Shapes of the input, weights, biases (row vectors) and output of the 10-50-3 net."""
    ### BEGIN SOLUTION
    return {"X": (m, 10), "W_h": (10, 50), "b_h": (1, 50), "W_o": (50, 3), "b_o": (1, 3),
            "Y": (m, 3)}
    ### END SOLUTION
