"""Text detection: DB targets, probability map to boxes, quadrilateral geometry."""
