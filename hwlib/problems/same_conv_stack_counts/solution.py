### BEGIN SOLUTION
_c, _h, _w, _total = {{ in_shape }} + [0]
for _c_out in {{ channels }}:
    _total += _c_out * (_c * {{ kernel_size }}**2 + 1)
    _c, _h, _w = _c_out, -(-_h // {{ stride }}), -(-_w // {{ stride }})   # SAME: ceil(n / stride)
stack_counts = {"total": _total, "output": [_c, _h, _w]}
### END SOLUTION
