"""cnnkit: the helper package shared by every notebook of the course.

Student-facing only: nothing in here contains a solution or a reference
implementation of a graded function (those live in the instructor-only
``grading`` package, which is not part of the student bundle).

Modules
-------
setup    quiet TensorFlow, seeds and print options (``init_notebook``)
testing  numerical gradient check and small assertion helpers used by public tests
plots    figures drawn by code (also used to render ``images/``)
data     synthetic datasets (generators, h5 files, manifest) and their loaders
resnet   the ResNet-50 architecture used to load trained weights (built from a layer table)
weights  compact weight files, hash checks, ``load_pretrained_resnet50``
roads    synthetic road scenes with box annotations (w3a1)
yolo     YOLO decoding, drawing, file readers, the detectors and the mAP evaluation (w3a1)
"""

__version__ = "0.1.0"
