def norm_axes(layout):
    """The integer axes each of batch norm and layer norm averages over, for a layout."""
    ### BEGIN SOLUTION
    return {"batch_norm": sorted(layout.index(a) for a in "NHW"),
            "layer_norm": sorted(layout.index(a) for a in "CHW")}
    ### END SOLUTION
