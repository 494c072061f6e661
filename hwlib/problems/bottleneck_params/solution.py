def count_params_bottleneck(c_outer, c_inner):
    """Parameters of the three BN-ReLU-conv sequences of a bottleneck block."""
    ### BEGIN SOLUTION
    def seq(c_in, c_out, k):
        return 2 * c_in + c_out * c_in * k * k + c_out
    s = [seq(c_outer, c_inner, 1), seq(c_inner, c_inner, 3), seq(c_inner, c_outer, 1)]
    return {"sequences": s, "total": sum(s)}
    ### END SOLUTION
