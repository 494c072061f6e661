def norm_axes(layout):
    """Axes that batch norm (N, H, W) and layer norm (C, H, W) reduce over for a layout."""
    ### BEGIN SOLUTION
    return {"batch_norm": sorted(layout.index(a) for a in "NHW"),
            "layer_norm": sorted(layout.index(a) for a in "CHW")}
    ### END SOLUTION
