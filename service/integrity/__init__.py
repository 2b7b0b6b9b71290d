"""Leaderboard integrity: what each finished submission leaves for the Ladder and the teacher's report."""
