"""Pure builders of Adaptive Card JSON (schema 1.5) and the text catalogue. No I/O."""
