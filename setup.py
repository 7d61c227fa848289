"""Package list for the fixed top level (core/ -> siglite, frontends/, delegates/).

Everything else lives in pyproject.toml; this file only discovers sub-packages so that new
modules never need a manual list.
"""

from setuptools import find_packages, setup

ROOTS = {"siglite": "core", "siglite.frontends": "frontends", "siglite.delegates": "delegates"}

packages = []
for package, folder in ROOTS.items():
    packages.append(package)
    packages += [f"{package}.{sub}" for sub in find_packages(folder)]

setup(packages=packages)
