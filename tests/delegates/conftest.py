"""Delegate tests share the model builders in ``qmodels.py`` (pytest puts this directory, the
home of this conftest, on the import path)."""
