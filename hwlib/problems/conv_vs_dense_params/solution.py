### BEGIN SOLUTION
param_formulas = {"conv": "C_out*(k**2*C_in + 1)",
                  "dense": "H*W*C_out*(H*W*C_in + 1)",
                  "conv_count": {{ c_out }} * ({{ kernel_size }}**2 * {{ c_in }} + 1),
                  "dense_count": {{ height }}*{{ width }}*{{ c_out }} * ({{ height }}*{{ width }}*{{ c_in }} + 1)}
### END SOLUTION
