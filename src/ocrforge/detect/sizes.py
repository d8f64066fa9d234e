"""The sizes the detector works at (no dependencies: the command line reads them for its defaults)."""

SIZE_MULTIPLE = 32  # the detector's coarsest stride: the sides of its input are multiples of it
DEFAULT_MAX_SIDE = 1280  # longer side the detector works at; bigger images are scaled down, boxes scaled back
