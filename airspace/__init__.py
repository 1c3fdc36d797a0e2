"""Airspace: low-altitude traffic management for city drone traffic.

The package root stays light so that ``airspace.sdk`` imports without the server's heavy
dependencies; the service lives in submodules (``airspace.model``, ``airspace.deconfliction``,
``airspace.service`` …).
"""

__version__ = "0.1.0"
