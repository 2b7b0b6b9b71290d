"""Challenges of a class: which ones a user sees, their answer keys, reveal and deadline."""
