import numpy as np

def ema_debiased(xs, beta):
    """Bias-corrected EMA: list of mu_t / (1 - beta**t) for t = 1..n, mu_0 = 0."""
    ### BEGIN SOLUTION
    mu, out = 0.0, []
    for t, x in enumerate(xs, start=1):
        mu = beta * mu + (1 - beta) * x
        out.append(mu / (1 - beta ** t))
    return out
    ### END SOLUTION
