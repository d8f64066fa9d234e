"""Read each video named on stdin with ocrforge's video loader, in a process of its own (a decoder that
crashes takes only this process down); prints one line per file: ok, or the ImageError's message."""

import sys

from ocrforge.io.images import ImageError
from ocrforge.io.video import sample_frames, video_info

for line in sys.stdin:
    path = line.rstrip("\n")
    try:
        video_info(path)
        frames = list(sample_frames(path, every=0.5))
        assert all(f.image.ndim == 3 and f.image.shape[2] == 3 for f in frames)
        print("ok", flush=True)
    except ImageError as err:
        print(f"error {err}", flush=True)
