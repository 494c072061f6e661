### BEGIN SOLUTION
param_formulas = {"conv": "C_out*(k**2*C_in + 1)",
                  "dense": "H*W*C_out*(H*W*C_in + 1)"}
### END SOLUTION
