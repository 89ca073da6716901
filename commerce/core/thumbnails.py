"""A file-based thumbnailer for Oscar's ``{% oscar_thumbnail %}`` tag.

Thumbnails are written next to the media once, under a name derived from the
source and the options, so rendering a page never touches the database (sorl's
key-value store would cost a query per image on a cold cache) and a page of
products costs one ``stat`` per image.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from oscar.core.thumbnails import AbstractThumbnailer
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

THUMBNAIL_DIR = "thumbs"


@dataclass(frozen=True)
class Thumbnail:
    name: str
    width: int | None = None
    height: int | None = None

    @property
    def url(self) -> str:
        return default_storage.url(self.name)


def _parse_size(size: str) -> tuple[int | None, int | None]:
    width, _, height = str(size).partition("x")
    return (int(width) if width else None, int(height) if height else None)


def _source_name(source) -> str:
    if isinstance(source, FieldFile):
        return source.name or ""
    return str(source or "")


def thumbnail_name(source_name: str, size: str, crop: bool, upscale: bool) -> str:
    digest = hashlib.sha1(  # noqa: S324 - a file name, not a security boundary
        f"{source_name}|{size}|{crop}|{upscale}".encode()
    ).hexdigest()
    return f"{THUMBNAIL_DIR}/{digest[:2]}/{digest}{PurePosixPath(source_name).suffix or '.jpg'}"


class FileThumbnailer(AbstractThumbnailer):
    def generate_thumbnail(self, source, **opts) -> Thumbnail:
        name = _source_name(source)
        size = opts.get("size", "")
        crop = bool(opts.get("crop"))
        upscale = opts.get("upscale", True) not in (False, "False")
        width, height = _parse_size(size)
        if not name:
            return Thumbnail(name="")
        target = thumbnail_name(name, size, crop, upscale)
        if default_storage.exists(target):
            return Thumbnail(name=target, width=width, height=height)
        if not default_storage.exists(name):
            # Missing source (e.g. a fresh checkout without media): show nothing
            # rather than fail the page.
            return Thumbnail(name=name)
        try:
            self._render(name, target, width, height, crop=crop, upscale=upscale)
        except (OSError, ValueError) as exc:
            logger.warning("Could not thumbnail %s: %s", name, exc)
            return Thumbnail(name=name)
        return Thumbnail(name=target, width=width, height=height)

    def _render(self, name: str, target: str, width, height, *, crop: bool, upscale: bool) -> None:
        with default_storage.open(name, "rb") as fh, Image.open(fh) as image:
            image = ImageOps.exif_transpose(image)
            src_w, src_h = image.size
            box_w = width or src_w * (height or src_h) // src_h
            box_h = height or src_h * (width or src_w) // src_w
            if not upscale:
                box_w, box_h = min(box_w, src_w), min(box_h, src_h)
            if crop:
                image = ImageOps.fit(image, (box_w, box_h))
            else:
                image = image.copy()
                image.thumbnail((box_w, box_h))
            fmt = "PNG" if target.lower().endswith(".png") else "JPEG"
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            buffer = BytesIO()
            image.save(buffer, fmt, quality=85)
        default_storage.save(target, ContentFile(buffer.getvalue()))

    def delete_thumbnails(self, source) -> None:
        # Thumbnail names derive from the source name and options, and Oscar
        # gives a re-uploaded image a new name: a stale thumbnail costs disk
        # space, never shows a wrong picture.
        return None
