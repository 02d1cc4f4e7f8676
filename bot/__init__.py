"""Kodaira welfare assistant: a consultation-window finder for Kodaira City residents."""

__version__ = "0.1.0"
