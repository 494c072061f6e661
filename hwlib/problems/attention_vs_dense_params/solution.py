### BEGIN SOLUTION
attention_param_formulas = {"attention_weights": "3*D**2", "attention_biases": "3*D",
                            "dense_weights": "(D*N)**2", "dense_biases": "D*N",
                            "attention_total": 3*{{ d }}**2 + 3*{{ d }},
                            "dense_total": ({{ d }}*{{ n }})**2 + {{ d }}*{{ n }}}
### END SOLUTION
