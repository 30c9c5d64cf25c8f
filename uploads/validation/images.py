"""Images (JPEG, PNG, WebP): decoded within a pixel budget, re-encoded with pixels only."""

import contextlib
import io
import math
import warnings
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps

from . import errors
from .limits import JPEG_MAX_SIDE, MAX_PIXELS
from .sniffing import sniff

IMAGE_FORMAT = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "webp": "webp"}  # by extension
_PIL_FORMAT = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}


def clean_image(data: bytes, extension: str, image_format: str) -> bytes:
    actual = sniff(data)
    if actual == "heic":
        raise errors.heic()
    if actual != image_format:
        raise errors.mismatch(extension, actual)
    pil_format = _PIL_FORMAT[image_format]
    # The filter is process-wide for a moment; the explicit pixel check below is the real guard
    # (40 MP is under Pillow's own warning threshold), so a race here cannot let a bomb through.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[pil_format]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS[pil_format]:
                    raise errors.too_many_pixels(width, height, pil_format)
                _draft_large_jpeg(image)
                image.load()
                ImageOps.exif_transpose(image, in_place=True)
                clean = _pixels_only(image, pil_format)
                out = io.BytesIO()
                clean.save(out, format=pil_format, **_SAVE_OPTIONS[pil_format])
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise errors.too_many_pixels(*_header_size(data, pil_format), pil_format) from None
        except Exception as exc:
            raise ValidationError(
                _(
                    "画像を読み込めませんでした。ファイルが壊れている可能性があります。"
                    "画像を開いて保存し直してからアップロードしてください。"
                ),
                code="broken_image",
            ) from exc
    return out.getvalue()


def _draft_large_jpeg(image: Image.Image) -> None:
    """Have a JPEG larger than JPEG_MAX_SIDE decode at 1/2 or 1/4 scale, to a long side of
    2048–4096: the full-size pixels then never exist (draft mode scales inside the decoder)."""
    long_side = max(image.size)
    if image.format == "JPEG" and long_side > JPEG_MAX_SIDE:
        wanted = JPEG_MAX_SIDE // 2 / long_side
        image.draft(image.mode, (math.ceil(image.width * wanted), math.ceil(image.height * wanted)))


_SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "JPEG": {"quality": 90},
    "PNG": {"optimize": False},
    "WEBP": {"quality": 90, "method": 4},
}
_KEEP_MODES = {
    "JPEG": {"L", "RGB"},
    "PNG": {"1", "L", "LA", "P", "RGB", "RGBA", "I;16"},
    "WEBP": {"RGB", "RGBA"},
}


def _header_size(data: bytes, pil_format: str) -> tuple[int, int]:
    """Read the size for the message by calling the format's opener, which has no bomb check."""
    factory = Image.OPEN[pil_format][0]
    try:
        with factory(io.BytesIO(data)) as image:
            return image.size
    except Exception:
        return 0, 0


def _pixels_only(image: Image.Image, pil_format: str) -> Image.Image:
    """Return the pixels in sRGB and a mode the format can store, with every metadata key dropped."""
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        # Phones shoot in Display P3; the profile goes with the metadata, so convert first.
        # An unusable profile only costs colour accuracy, so the pixels go through unconverted.
        with contextlib.suppress(Exception):
            image = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGBA" if image.mode == "RGBA" else "RGB",
            )
    if "transparency" in image.info and image.mode in ("1", "L", "P", "RGB"):
        # Transparency of these modes lives in info, which is about to be emptied.
        image = image.convert("RGBA")
    if image.mode not in _KEEP_MODES[pil_format]:
        has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La")
        image = image.convert("RGBA" if has_alpha and pil_format != "JPEG" else "RGB")
    # Savers copy some keys from info (JPEG comments, PNG ICC profiles); leave them nothing.
    image.info.clear()
    return image
