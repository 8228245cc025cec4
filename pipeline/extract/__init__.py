"""Extractors: quantities, agencies and case names from compact sentence strings."""
