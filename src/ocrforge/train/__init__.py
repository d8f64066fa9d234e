"""Training: one run config for every trainer, the loops (recognizer, detector, RAM, DRAM), checkpoints."""
