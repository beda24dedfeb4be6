"""Uploaded images: checked, decoded, re-encoded and stripped of every metadata.

Only PNG, JPEG and WebP are accepted, and only when their bytes say so (the file name and
the declared content type are never trusted). SVG, GIF, TIFF, PDF and anything else are
refused. The image is decoded with a pixel cap (a "decompression bomb" is refused before it
is decoded), orientation from EXIF is applied, then it is scaled down to fit the box and
re-encoded as WebP from its pixels alone: EXIF, GPS, XMP, ICC profiles and comments never
survive.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
OUTPUT_MIMETYPE = "image/webp"


class ImageRejected(ValueError):
    """The upload is not an acceptable image.

    The message is French, for the person; ``english`` says the same for an API client.
    """

    def __init__(self, message: str, english: str) -> None:
        super().__init__(message)
        self.english = english


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    width: int
    height: int
    mimetype: str = OUTPUT_MIMETYPE

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def clean_image(
    data: bytes,
    *,
    max_bytes: int,
    max_pixels: int,
    box: tuple[int, int],
    min_size: tuple[int, int] = (1, 1),
    quality: int = 85,
) -> CleanImage:
    """Validate an uploaded image and re-encode it; raise ImageRejected when it is refused.

    ``max_bytes`` caps the upload, ``max_pixels`` the decoded size (width × height),
    ``box`` the largest output (the image is scaled down to fit, never up) and
    ``min_size`` the smallest acceptable input.
    """
    if not data:
        raise ImageRejected("Le fichier est vide.", "The file is empty.")
    if len(data) > max_bytes:
        raise ImageRejected(f"Le fichier dépasse {max_bytes // 1024} Ko.", "The file is too large.")
    kind = _sniff(data)
    if kind is None:
        raise ImageRejected(
            "Seules les images PNG, JPEG ou WebP sont acceptées.",
            "Only PNG, JPEG or WebP images are accepted.",
        )
    try:
        with warnings.catch_warnings():
            # Pillow warns, then raises, above its own limit: ours is lower and explicit.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[kind])
            width, height = image.size
            if width * height > max_pixels:
                raise ImageRejected(
                    f"L'image est trop grande ({width} × {height} pixels) : "
                    f"{max_pixels:,} pixels au plus.".replace(",", " "),
                    "The image has too many pixels.",
                )
            if width < min_size[0] or height < min_size[1]:
                raise ImageRejected(
                    f"L'image est trop petite : {min_size[0]} × {min_size[1]} pixels au moins.",
                    "The image is too small.",
                )
            image.load()
            image = ImageOps.exif_transpose(image) or image
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
        raise ImageRejected(
            "L'image est illisible ou endommagée.", "The image cannot be read."
        ) from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRejected("L'image est trop grande.", "The image has too many pixels.") from error
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    pixels = image.convert("RGBA" if has_alpha else "RGB")
    pixels.thumbnail(box, Image.Resampling.LANCZOS)
    # A new image from the pixels only: nothing of the original's info dict is carried over.
    fresh = Image.new(pixels.mode, pixels.size)
    fresh.paste(pixels)
    out = io.BytesIO()
    fresh.save(out, format="WEBP", quality=quality, method=4)
    return CleanImage(out.getvalue(), fresh.width, fresh.height)
