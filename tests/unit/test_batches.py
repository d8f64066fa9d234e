import numpy as np

from ocrforge.text.charset import Charset
from ocrforge.train.batches import Sample, bucketed_batches


def _chunk(widths, rng):
    return [Sample(rng.integers(0, 255, (32, w), dtype=np.uint8), "ab" * (w // 40 + 1)) for w in widths]


def test_batches_group_similar_widths_and_labels_line_up():
    rng = np.random.default_rng(0)
    widths = rng.integers(40, 600, 256)
    chunks = iter([_chunk(widths, rng)])
    batches = list(bucketed_batches(chunks, Charset(), batch_size=32, rng=np.random.default_rng(1)))
    assert len(batches) == 8
    total_padding = sum(b["images"].shape[0] * b["images"].shape[3] - b["widths"].sum() for b in batches)
    # Sorting by width wastes far less than batching crops in the order they come
    # (even though the on-the-fly width jitter of up to 25% spoils the sort a little).
    unsorted = sum(32 * w.max() - w.sum() for w in widths.reshape(8, 32))
    assert total_padding < 0.5 * unsorted
    for b in batches:
        assert b["images"].shape[1:3] == (1, 32)
        assert b["label_lengths"].sum() == len(b["labels"])
        assert (b["labels"] > 0).all()  # never the blank
