# Training skeleton for this problem (not graded; set TRAIN = True to run it yourself).
TRAIN = False
DATA_DIR = "EuroSAT"   # a folder with one sub-folder of .jpg images per class

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
        for c_out in (32, 64, 128, 256, 512):
            layers += block(c_in, c_out, bn, p_drop)
            c_in = c_out
        layers += [nn.Flatten(), nn.Linear(2048, 256), nn.ReLU()]
        layers += [nn.Dropout(p_drop)] if p_drop else []
        return nn.Sequential(*layers, nn.Linear(256, 10))

    data = datasets.ImageFolder(DATA_DIR, transform=transforms.ToTensor())
    n_test = len(data) // 5
    train_set, test_set = torch.utils.data.random_split(
        data, [len(data) - n_test, n_test], generator=torch.Generator().manual_seed(0))
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
