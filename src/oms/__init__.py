"""OMS: an open-source order processing system for multi-platform e-commerce sellers."""

__version__ = "0.1.0"
