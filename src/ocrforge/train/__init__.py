"""Training: batching, the loop, checkpoints."""
