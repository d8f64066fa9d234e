"""Reading digits with recurrent attention: house numbers (DRAM) and single handwritten digits (RAM)."""
