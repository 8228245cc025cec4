"""govreport: Chinese government reports in, section-aligned JSON records out."""
__version__ = "0.1.0"
SCHEMA_VERSION = "1.1"
