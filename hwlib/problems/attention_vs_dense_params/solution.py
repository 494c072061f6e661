### BEGIN SOLUTION
attention_param_formulas = {"attention_weights": "3*D**2", "attention_biases": "3*D",
                            "dense_weights": "(D*N)**2", "dense_biases": "D*N"}
### END SOLUTION
