import math

def epochs(iterations, dataset_size, batch_size, drop_last):
    """Epochs covered by a number of SGD iterations."""
    ### BEGIN SOLUTION
    if drop_last:
        per_epoch = dataset_size // batch_size
    else:
        per_epoch = math.ceil(dataset_size / batch_size)
    return iterations / per_epoch
    ### END SOLUTION
