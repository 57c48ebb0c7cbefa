"""Guided dialogues: plain turns in, replies out. Knows the store and the cards, not Teams."""
