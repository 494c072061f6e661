# Training skeleton for this problem (not graded; set TRAIN = True to run it yourself).
TRAIN = False
DATA_DIR = "EuroSAT"   # a folder with one sub-folder of .jpg images per class

import numpy as np


def course_split(labels, test_fraction={{ test_fraction }}, seed={{ split_seed }}):
    """The course's fixed split: (train indices, test indices) into the ImageFolder."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c in np.unique(labels):                     # classes in sorted order
        idx = rng.permutation(np.flatnonzero(labels == c))
        n_test = int(round(test_fraction * len(idx)))
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    return np.sort(np.concatenate(train)).tolist(), np.sort(np.concatenate(test)).tolist()


if TRAIN:
    import torch
    from torch import nn
    from torchvision import datasets, transforms

    def block(c_in, c_out, bn, p_drop):
        layers = [nn.Conv2d(c_in, c_out, 3, padding=1, bias=not bn)]
        layers += [nn.BatchNorm2d(c_out)] if bn else []
        layers += [nn.ReLU()] + ([nn.Dropout2d(p_drop)] if p_drop else [])
        return layers + [nn.MaxPool2d(2)]

    def make_model(bn=True, p_drop=0.05):
        layers, c_in = [], 3
        for c_out in {{ channels }}:
            layers += block(c_in, c_out, bn, p_drop)
            c_in = c_out
        layers += [nn.Flatten(), nn.Linear({{ channels[-1] }} * {{ size // 2 ** channels|length }} * {{ size // 2 ** channels|length }}, {{ hidden }}), nn.ReLU()]
        layers += [nn.Dropout(p_drop)] if p_drop else []
        return nn.Sequential(*layers, nn.Linear({{ hidden }}, {{ classes }}))

    data = datasets.ImageFolder(DATA_DIR, transform=transforms.ToTensor())
    train_idx, test_idx = course_split(data.targets)
    train_set = torch.utils.data.Subset(data, train_idx)   # never train on test_idx
    test_set = torch.utils.data.Subset(data, test_idx)     # the images you are graded on
    loader = torch.utils.data.DataLoader(train_set, batch_size=64, shuffle=True)
    model = make_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(10):
        model.train()
        for images, labels in loader:
            # To be written by you: forward pass, cross-entropy loss, backward, step.
            pass
        # To be written by you: training loss/accuracy and test accuracy per epoch.
    torch.save(model.state_dict(), "eurosat_model.pt")
