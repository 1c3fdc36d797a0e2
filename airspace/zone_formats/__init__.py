"""Geozone documents: GeoJSON and EUROCAE ED-269 readers, and the bundled demo city.

Both readers are all-or-nothing: they return every zone of a valid document, or raise
``airspace.errors.InvalidArgument`` with one ``FieldViolation`` per problem found, each
naming a JSON path into the document such as ``features[3].geometry.coordinates[0]``.
Problems with the document as a whole (not UTF-8, not JSON, not an object) name
``DOCUMENT_FIELD`` (``content``, the import request's field). The formats are described in
``airspace.zone_formats.geojson`` and ``airspace.zone_formats.ed269``.

>>> zones = load_demo_city()
>>> sorted({zone.kind.value for zone in zones})
['conditional', 'prohibited', 'restricted']
"""

from __future__ import annotations

from importlib import resources

from airspace.config import AirspaceConfig
from airspace.model import Geozone
from airspace.zone_formats._common import DOCUMENT_FIELD
from airspace.zone_formats.ed269 import parse_ed269
from airspace.zone_formats.geojson import parse_geojson

DEMO_CITY_FILE = "shenzhen.geojson"
"""The demo city's zones, in ``airspace/data``."""

__all__ = ["DEMO_CITY_FILE", "DOCUMENT_FIELD", "load_demo_city", "parse_ed269", "parse_geojson"]


def load_demo_city() -> list[Geozone]:
    """The zones of the demo city, Shenzhen, for the default configuration."""
    content = resources.files("airspace").joinpath("data", DEMO_CITY_FILE).read_bytes()
    return parse_geojson(content, now_s=0.0, config=AirspaceConfig())
