"""Demo product pictures drawn with Pillow: a recognisable object per category
family (a bolt, a wrench, a drill, safety glasses, a cable reel, a tool chest)
on a light studio background, in the product's colour."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFilter

SIZE = 480
STEEL = (148, 163, 184)
DARK = (51, 65, 85)


def _background() -> Image.Image:
    image = Image.new("RGB", (SIZE, SIZE), (248, 250, 252))
    draw = ImageDraw.Draw(image)
    for y in range(SIZE // 2, SIZE):  # a soft floor gradient
        shade = 248 - (y - SIZE // 2) // 12
        draw.line((0, y, SIZE, y), fill=(shade, shade + 1, shade + 3))
    return image


def _shadow(image: Image.Image, box: tuple[int, int, int, int]) -> None:
    layer = Image.new("L", image.size, 0)
    ImageDraw.Draw(layer).ellipse(box, fill=90)
    layer = layer.filter(ImageFilter.GaussianBlur(14))
    image.paste((100, 116, 139), mask=layer)


def _bolt(draw, color):
    head = [(120, 150), (170, 120), (230, 120), (280, 150), (230, 180), (170, 180)]
    draw.polygon(head, fill=DARK)
    draw.rectangle((150, 150, 250, 210), fill=color)
    draw.rectangle((175, 210, 225, 400), fill=STEEL)
    for y in range(220, 400, 14):
        draw.line((175, y, 225, y + 8), fill=DARK, width=3)


def _wrench(draw, color):
    draw.line((140, 360, 330, 170), fill=color, width=38)
    draw.ellipse((290, 100, 400, 210), fill=color)
    draw.polygon([(330, 120), (380, 120), (350, 165)], fill=(248, 250, 252))
    draw.ellipse((90, 320, 190, 420), fill=color)
    draw.ellipse((118, 348, 162, 392), fill=(248, 250, 252))


def _drill(draw, color):
    draw.rounded_rectangle((110, 140, 330, 220), radius=30, fill=color)
    draw.rectangle((330, 165, 400, 195), fill=DARK)
    draw.line((400, 180, 450, 180), fill=STEEL, width=8)
    draw.polygon([(180, 220), (250, 220), (235, 360), (170, 360)], fill=color)
    draw.rounded_rectangle((140, 350, 270, 400), radius=10, fill=DARK)
    draw.rectangle((230, 230, 245, 260), fill=DARK)


def _glasses(draw, color):
    draw.rounded_rectangle((90, 190, 230, 290), radius=40, outline=DARK, width=10, fill=color)
    draw.rounded_rectangle((250, 190, 390, 290), radius=40, outline=DARK, width=10, fill=color)
    draw.arc((215, 200, 265, 250), 180, 360, fill=DARK, width=10)
    draw.line((90, 215, 50, 200), fill=DARK, width=10)
    draw.line((390, 215, 430, 200), fill=DARK, width=10)
    draw.line((120, 210, 160, 250), fill=(255, 255, 255), width=6)


def _reel(draw, color):
    draw.ellipse((110, 110, 370, 370), fill=DARK)
    draw.ellipse((130, 130, 350, 350), fill=color)
    for r in range(100, 40, -14):
        draw.ellipse((240 - r, 240 - r, 240 + r, 240 + r), outline=DARK, width=3)
    draw.ellipse((210, 210, 270, 270), fill=(226, 232, 240))
    draw.line((350, 260, 440, 380), fill=color, width=12)


def _chest(draw, color):
    draw.rounded_rectangle((100, 150, 380, 390), radius=12, fill=color)
    for top in (190, 250, 310):
        draw.rectangle((115, top, 365, top + 50), outline=DARK, width=4)
        draw.rounded_rectangle((210, top + 18, 270, top + 30), radius=5, fill=STEEL)
    draw.rounded_rectangle((180, 115, 300, 150), radius=10, outline=DARK, width=10)


DRAWINGS = {
    "Fasteners": _bolt,
    "Hand tools": _wrench,
    "Power tools": _drill,
    "Safety": _glasses,
    "Electrical": _reel,
    "Workshop": _chest,
}


def _rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return tuple(int(color[i : i + 2], 16) for i in (0, 2, 4))


def product_picture(*, family: str, color: str) -> bytes:
    """A JPEG of the family's object in ``color`` (``#rrggbb``)."""
    image = _background()
    _shadow(image, (110, 390, 370, 440))
    DRAWINGS.get(family, _chest)(ImageDraw.Draw(image), _rgb(color))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return buffer.getvalue()
