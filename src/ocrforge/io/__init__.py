"""Loading images from anything a user hands us, with clear errors for bad input."""
