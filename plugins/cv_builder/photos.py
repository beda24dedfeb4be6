"""The optional CV photo: checked and re-encoded by the host, kept small, stored in the database.

The host's ``clean_image`` accepts PNG, JPEG or WebP only (by their bytes), refuses
decompression bombs, applies the EXIF orientation and re-encodes the pixels to WebP, so no
metadata (GPS position, camera, date) survives. The bytes go to the database, not to disk:
app servers share no file system.
"""

from __future__ import annotations

import base64
import binascii
import re

from emploistore import CleanImage, ImageRejected, clean_image

PHOTO_MAX_BYTES = 4 * 1024 * 1024  # the upload; the request itself is capped at 5 MiB
PHOTO_MAX_PIXELS = 40_000_000  # a 40-megapixel phone picture decodes; bigger is refused
PHOTO_BOX = (480, 480)  # printed at about 3.5 cm: 480 px is over 300 dpi
PHOTO_MIN_SIZE = (64, 64)
DATA_URI = re.compile(r"^data:image/(png|jpeg|jpg|webp);base64,([A-Za-z0-9+/=\s]+)$")

__all__ = ["ImageRejected", "clean_photo", "data_uri", "decode_data_uri"]


def clean_photo(data: bytes, max_bytes: int = PHOTO_MAX_BYTES) -> CleanImage:
    """The re-encoded photo; raise ImageRejected (French message) when it is refused."""
    return clean_image(
        data,
        max_bytes=max_bytes,
        max_pixels=PHOTO_MAX_PIXELS,
        box=PHOTO_BOX,
        min_size=PHOTO_MIN_SIZE,
    )


def data_uri(data: bytes, mimetype: str = "image/webp") -> str:
    return f"data:{mimetype};base64,{base64.b64encode(data).decode('ascii')}"


def decode_data_uri(value: str) -> bytes | None:
    """The bytes of a base64 ``data:image/…`` URI, or None when it is not one."""
    match = DATA_URI.match(value)
    if not match:
        return None
    try:
        return base64.b64decode("".join(match.group(2).split()), validate=True)
    except (binascii.Error, ValueError):
        return None
