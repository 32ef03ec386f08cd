"""cnnkit: the helper package shared by every notebook of the course.

Student-facing only: nothing in here contains a solution or a reference implementation
of a graded function, nor a builder of a graded model (those live in the instructor-only
``grading`` package, which is not part of the student bundle; ``tests/test_bundle.py``
runs every public callable here against the references to make sure).

Shared modules
--------------
setup     quiet TensorFlow, seeds and print options (``init_notebook``), quick-training mode
files     where datasets, weights and images live; the one manifest (``record``, ``verify``)
weights   compact int8 weight files (``save_quantized``, ``load_quantized``)
testing   structure summary, comparator, layer details, numerical gradient check
plots     generic figures (image grids, training curves, mistakes, one prediction)
drawing   the drawing toolkit of the 64x64 pictures

By assignment (generators of data are named after what they draw)
------------------------------------------------------------------
w1a1  conv     figures: padding, the sliding window, pooling, backprop
w1a2  happy    Happy House generator;  signs  SIGNS generator;  data  h5 files and loaders
w2a1  resnet   the trained ResNet-50 (loaded from a Keras config, no builder), figures
w3a1  roads    road-scene generator;  yolo  decoding, drawing, the detectors, mAP
"""

__version__ = "0.1.0"
