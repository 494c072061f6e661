import numpy as np

def eurosat_cnn_summary(channels, hidden, size, classes):
    """Output shapes and parameter counts per layer of the five-block EuroSAT CNN."""
    ### BEGIN SOLUTION
    outputs, params = [], []
    c, s = 3, size
    for c_out in channels:
        outputs.append([c_out, s, s])
        params.append(c_out * (c * 9 + 1))   # 3x3 weights per input channel + bias
        s //= 2
        outputs.append([c_out, s, s])
        params.append(0)                      # pooling has no parameters
        c = c_out
    flat = c * s * s
    outputs += [[flat], [hidden], [classes]]
    params += [0, flat * hidden + hidden, hidden * classes + classes]
    total = sum(params)
    # BN adds gamma and beta per channel and removes the conv bias: +1 per channel
    return {"outputs": outputs, "params": params, "total": total,
            "total_bn": total + sum(channels)}
    ### END SOLUTION
