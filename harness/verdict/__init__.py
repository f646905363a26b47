"""Judging: comparison and the precision model, signatures of known deviations, error rules, verdicts."""
