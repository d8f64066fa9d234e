"""Frames worth reading from a video: one at every scene change, and at least one every few seconds."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from ocrforge.io.images import ImageError
from ocrforge.io.limits import max_frames

VIDEO_SUFFIXES = (".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4v")


@dataclass(frozen=True)
class Frame:
    time: float  # seconds from the start
    image: np.ndarray  # (H, W, 3) uint8 RGB


@dataclass(frozen=True)
class VideoInfo:
    fps: float
    frames: int
    width: int
    height: int

    @property
    def duration(self) -> float:
        return self.frames / self.fps if self.fps > 0 else 0.0


def _signature(bgr: np.ndarray) -> np.ndarray:
    """A small grey thumbnail: cheap to compare, blind to noise and compression."""
    return cv2.resize(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), (32, 18), interpolation=cv2.INTER_AREA).astype(np.float32)


def _open(path: str | os.PathLike) -> cv2.VideoCapture:
    if not os.path.isfile(path):
        raise ImageError(f"{path}: no such file")
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise ImageError(f"{path}: not a readable video")
    return capture


def video_info(path: str | os.PathLike) -> VideoInfo:
    capture = _open(path)
    try:
        return VideoInfo(capture.get(cv2.CAP_PROP_FPS) or 0.0, int(capture.get(cv2.CAP_PROP_FRAME_COUNT)),
                         int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    finally:
        capture.release()


def sample_frames(path: str | os.PathLike, every: float = 2.0, checks_per_second: float = 4.0,
                  scene_change: float = 12.0) -> Iterator[Frame]:
    """Frames at scene changes and at least every `every` seconds, at most `max_frames()` of them.

    `checks_per_second` frames a second are decoded and compared with the last frame kept;
    a mean grey-level difference above `scene_change` (0-255) counts as a new scene.
    """
    capture = _open(path)
    try:
        fps = capture.get(cv2.CAP_PROP_FPS)
        fps = fps if fps and fps > 0 else 25.0
        stride = max(1, int(round(fps / checks_per_second)))
        kept_time, kept_signature = None, None
        index, decoded_any, kept, limit = 0, False, 0, max_frames()
        while kept < limit and capture.grab():
            index += 1
            if (index - 1) % stride:
                continue
            ok, bgr = capture.retrieve()
            if not ok or bgr is None:
                continue
            decoded_any = True
            time = (index - 1) / fps
            signature = _signature(bgr)
            # Half a check's tolerance: with checks every 0.2 s, "every 0.25 s" means every check, not every other.
            due = kept_time is None or time - kept_time >= every - stride / fps / 2
            changed = kept_signature is not None and float(np.abs(signature - kept_signature).mean()) > scene_change
            if due or changed:
                kept_time, kept_signature = time, signature
                kept += 1
                yield Frame(time, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        if not decoded_any:
            raise ImageError(f"{path}: no frame could be decoded")
    finally:
        capture.release()


def sample_frame_at(path: str | os.PathLike, time: float) -> np.ndarray:
    """The RGB frame shown at `time` seconds (the last one, past the end)."""
    capture = _open(path)
    try:
        capture.set(cv2.CAP_PROP_POS_MSEC, max(0.0, time) * 1000.0)
        ok, bgr = capture.read()
        if not ok:
            count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
            capture.set(cv2.CAP_PROP_POS_FRAMES, max(0, count - 1))
            ok, bgr = capture.read()
        if not ok or bgr is None:
            raise ImageError(f"{path}: no frame could be decoded at {time:g} s")
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    finally:
        capture.release()
