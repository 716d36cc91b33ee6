"""The demo company's own particulars: the letterhead of every print, with a drawn logo and
a drawn seal (red ring, star, the name around it), so that the prints look like the real
documents a pharmaceutical distributor sends."""

import io
import math
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from backoffice.core.models import CompanySettings
from backoffice.core.services import model_save

NAME = "北京康泰医药有限公司"
FONTS = [
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
]
RED = (200, 22, 29, 255)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONTS:
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default()


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    points = []
    for k in range(10):
        r = radius if k % 2 == 0 else radius * 0.4
        angle = -math.pi / 2 + k * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=RED)


def seal_png(name: str = NAME, size: int = 400) -> bytes:
    """A round company seal (公章): the name along the upper arc, a star in the middle."""
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    c = size / 2
    draw.ellipse((8, 8, size - 8, size - 8), outline=RED, width=12)
    _star(draw, c, c, size * 0.13)
    font = _font(int(size * 0.11))
    span = math.radians(250)  # the arc the name covers, centred on the top
    for index, char in enumerate(name):
        angle = -math.pi / 2 - span / 2 + span * (index + 0.5) / len(name)
        radius = c - size * 0.14
        glyph = Image.new("RGBA", (int(size * 0.16), int(size * 0.16)), (255, 255, 255, 0))
        ImageDraw.Draw(glyph).text(
            (glyph.width / 2, glyph.height / 2), char, font=font, fill=RED, anchor="mm"
        )
        glyph = glyph.rotate(-math.degrees(angle + math.pi / 2), resample=Image.BICUBIC)
        x = c + radius * math.cos(angle) - glyph.width / 2
        y = c + radius * math.sin(angle) - glyph.height / 2
        image.alpha_composite(glyph, (int(x), int(y)))
    return _png(image)


def logo_png(size: int = 240) -> bytes:
    """A green cross in a rounded square with the company's short name."""
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    green = (16, 122, 87, 255)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 6, fill=green)
    bar = size // 9
    c = size // 2
    draw.rectangle((c - bar, size * 0.14, c + bar, size * 0.58), fill="white")
    draw.rectangle(
        (c - size * 0.22, size * 0.36 - bar, c + size * 0.22, size * 0.36 + bar), fill="white"
    )
    draw.text((c, size * 0.8), "康泰", font=_font(int(size * 0.2)), fill="white", anchor="mm")
    return _png(image)


def demo_company() -> CompanySettings:
    """The seller on the demo's prints (once)."""
    existing = CompanySettings.objects.filter(pk=CompanySettings.SINGLETON_ID).first()
    if existing is not None:
        return existing
    company = CompanySettings(
        pk=CompanySettings.SINGLETON_ID,
        legal_name=NAME,
        address="北京市朝阳区酒仙桥路10号恒通商务园B座6层",
        phone="010-84561234",
        tax_id="91110105MA01ABCD2X",
        bank_name="中国工商银行北京酒仙桥支行",
        bank_account="0200 0035 0920 0123 456",
    )
    company.logo.save("logo.png", ContentFile(logo_png()), save=False)
    company.seal.save("seal.png", ContentFile(seal_png()), save=False)
    return model_save(instance=company, by=None)
