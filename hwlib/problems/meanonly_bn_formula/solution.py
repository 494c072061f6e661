### BEGIN SOLUTION
meanonly_bn_formula = "gamma*(g_i - gbar)"
### END SOLUTION
