"""Architectures (PyTorch, training side only), one file each, created by name through registry.py.
The runtime never imports this package."""
