"""Document scanning: find the page in a phone photo, flatten it into a clean upright page image,
read it, and write it out as a searchable PDF, an image or text."""
