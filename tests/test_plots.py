"""The figure helpers draw what they are given (smoke tests on small inputs)."""
import numpy as np
from matplotlib.figure import Figure

from cnnkit import plots


def _images(m=6):
    return np.random.default_rng(0).integers(0, 255, size=(m, 8, 8, 3), dtype=np.uint8)


def test_image_grid_draws_one_panel_per_image():
    fig = plots.image_grid(_images(), labels=np.array([[0, 1, 2, 0, 1, 2]]), class_names=["a", "b", "c"], n=6, cols=3)
    assert isinstance(fig, Figure)
    assert sum(1 for ax in fig.axes if ax.images) == 6


def test_history_curves_accepts_a_history_dict():
    hist = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8], "val_accuracy": [0.4, 0.7]}
    fig = plots.history_curves(hist)
    assert isinstance(fig, Figure) and len([ax for ax in fig.axes if ax.lines]) == 2


def test_misclassified_shows_only_the_mistakes():
    y_true = np.array([0, 1, 2, 0, 1, 2])
    probs = np.eye(3)[[0, 2, 2, 1, 1, 2]]  # two mistakes: index 1 and 3
    fig = plots.misclassified(_images(), y_true, probs, class_names=["a", "b", "c"])
    assert sum(1 for ax in fig.axes if ax.images) == 2
    none = plots.misclassified(_images(), y_true, np.eye(3)[y_true])
    assert isinstance(none, Figure)
