"""Allegations and concerns against a household: recording (with the hold), the timeline
with its working-day timescales, the outcome, and the read models and export.

``record`` logs one and lifts its hold; ``timeline`` records the steps, reviews and
the carers' support; ``outcome`` closes it (immutable after, addenda only);
``views`` reads; ``export`` writes the file copy.
"""
