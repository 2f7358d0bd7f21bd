"""The line format of the golden files (see generate_layer_goldens.py): a tensor as RANK DIMS... VALUES..., in float64."""
import torch


def fmt(t):
    t = t.detach().to(torch.float64)
    dims = list(t.shape)
    return " ".join([str(len(dims))] + [str(d) for d in dims] + [repr(float(v)) for v in t.reshape(-1).tolist()])
