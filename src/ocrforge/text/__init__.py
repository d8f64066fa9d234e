"""Charsets and decoding, numpy only: training, evaluation and the runtime share them."""
