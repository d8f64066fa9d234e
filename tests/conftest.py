"""Tests render their own data with the synthetic engine; they never read the evaluation sets in ../shared."""
