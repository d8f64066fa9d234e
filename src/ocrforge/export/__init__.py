"""Export trained models to ONNX, self-describing, with a parity check against PyTorch."""
