"""Metrics (recognition, detection, pages) and the evaluation runs of `ocrforge eval`."""
