"""Grading: accepting a submission, its quota slot, the queue, the job and its lifecycle."""
