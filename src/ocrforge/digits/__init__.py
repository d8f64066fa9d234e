"""Reading digits with the recurrent attention model: single handwritten digits (RAM)."""
