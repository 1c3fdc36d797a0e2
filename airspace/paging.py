"""Pages of list results with opaque tokens (AIP-158)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Generic, TypeVar

from airspace.errors import invalid

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_page_token: str
    """Empty on the last page."""


def page_limit(page_size: int) -> int:
    """The number of items to return for a requested ``page_size`` (0 means the default)."""
    if page_size < 0:
        raise invalid("page_size", "must not be negative")
    return min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def encode_token(last_id: str) -> str:
    return base64.urlsafe_b64encode(f"after:{last_id}".encode()).decode()


def decode_token(token: str, field: str) -> str:
    """The id after which the next page starts ('' for the first page)."""
    if not token:
        return ""
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith("after:"):
        raise invalid(field, "is not a token returned by this service")
    return text.removeprefix("after:")
