"""Risk scores, materiality and the physical / transition risk matrices."""
