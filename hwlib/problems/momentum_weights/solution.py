def momentum_weights(t, beta):
    """Weights of g_t, g_{t-1}, ..., g_0 in m_{t+1} (m_0 = 0)."""
    ### BEGIN SOLUTION
    return [(1 - beta) * beta ** k for k in range(t + 1)]
    ### END SOLUTION
