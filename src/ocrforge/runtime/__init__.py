"""onnxruntime sessions for the shipped models. Never imports torch."""
