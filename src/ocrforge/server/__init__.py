"""`ocrforge serve`: the HTTP API and its web page, with limits, a work queue and access control."""
