"""Packaging the one thing pyproject.toml cannot: the starter pack.

`drills/` stays at the top of the repository (the source of the pack); the build puts it
into the installed package as `trainer/starter_drills/`, where `bundled_dir()` finds it.
A checkout (or `pip install -e .`) reads `drills/` itself. Everything else is in
pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["trainer", "trainer.*"]), "trainer.starter_drills"],
    package_dir={"trainer.starter_drills": "drills"},
    package_data={"trainer.starter_drills": ["README.md", "*/drill.toml", "*/*.opus"]},
)
