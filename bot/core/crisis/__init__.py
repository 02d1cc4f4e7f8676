"""The crisis check (terms, patterns and a learned model), run before any matching."""

from bot.core.crisis.detector import NO_CRISIS, THRESHOLDS, CrisisAssessment, CrisisDetector, Thresholds, build_detector

__all__ = ["NO_CRISIS", "THRESHOLDS", "CrisisAssessment", "CrisisDetector", "Thresholds", "build_detector"]
