"""Parking validation: find and read licence plates, track them through video, check them against permits."""
