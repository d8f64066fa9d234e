"""Text on screen across video frames becomes one entry per block with its time range."""

import numpy as np

from ocrforge.index.reader import merge_frames
from ocrforge.results import Block, Line, Page, Word


def _page(*texts: str) -> Page:
    blocks = []
    for i, text in enumerate(texts):
        box = np.float32([[0, 50 * i], [100, 50 * i], [100, 50 * i + 30], [0, 50 * i + 30]])
        blocks.append(Block([Line([Word(text, 0.9, box)], box)], box))
    return Page(None, 640, 480, blocks)


def test_blocks_continue_while_seen_and_end_when_gone():
    entries = merge_frames([(0.0, _page("HELLO", "WORLD")), (2.0, _page("HELL0", "WORLD")), (4.0, _page("WORLD", "NEW"))])
    assert [(e.text, e.t_start, e.t_end) for e in entries] == [("HELLO", 0.0, 2.0), ("WORLD", 0.0, 4.0), ("NEW", 4.0, 4.0)]


def test_a_block_that_comes_back_after_a_gap_is_a_new_entry():
    entries = merge_frames([(0.0, _page("SALE")), (2.0, _page("OPEN")), (4.0, _page("SALE"))])
    assert [(e.text, e.t_start) for e in entries] == [("SALE", 0.0), ("OPEN", 2.0), ("SALE", 4.0)]
