"""Generated from seeds/releases.yaml by build/docs.py: do not edit."""
__version__ = "1.2.0"
