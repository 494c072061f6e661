assert isinstance(stack_counts, dict), "stack_counts should be a dict"
assert isinstance(stack_counts.get("total"), int), "total: an integer"
assert isinstance(stack_counts.get("output"), (list, tuple)) and len(stack_counts["output"]) == 3, "output: [C, H, W]"
print("form ok")
