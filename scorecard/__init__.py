"""Scorecard: children's services improvement-board dashboard (domain package)."""
