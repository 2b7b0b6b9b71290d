"""Results: leaderboards, final submissions, exports and ROC curves."""
