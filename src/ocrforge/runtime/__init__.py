"""onnxruntime sessions for the models (recognizers, detectors), and nothing else. Never imports torch."""
