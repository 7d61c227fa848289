"""Frontends: converters from other frameworks into siglite models."""
