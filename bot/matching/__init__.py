"""Matching: the TF-IDF engine, the plain baselines and the answer/clarify/no_match decision."""
