"""Lead conversion use cases: convert one or many, preview, undo, and the reads a plan is made from."""
