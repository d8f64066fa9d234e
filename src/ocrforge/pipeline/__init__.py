"""The reading pipeline: detection, recognition, layout, output formats."""
