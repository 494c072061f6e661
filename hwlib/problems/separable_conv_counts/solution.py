### BEGIN SOLUTION
separable_counts = {"standard": {{ c_out }} * {{ c_in }} * {{ kernel_size }}**2,
                    "depthwise": {{ c_in }} * {{ kernel_size }}**2,
                    "pointwise": {{ c_in }} * {{ c_out }},
                    "separable": {{ c_in }} * {{ kernel_size }}**2 + {{ c_in }} * {{ c_out }}}
### END SOLUTION
