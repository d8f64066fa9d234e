"""Recognizer architectures (PyTorch, training side only). The runtime never imports this package."""
