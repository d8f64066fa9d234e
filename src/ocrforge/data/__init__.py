"""Training and evaluation data: the synthetic engine and readers for standard sets."""
