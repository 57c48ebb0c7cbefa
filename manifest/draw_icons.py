"""Draw the Teams app icons `color.png` and `outline.png` (a developer tool, not run by Pejling).

The motif is a compass taking a bearing — *pejling* — with the needle turned north-east,
so it reads as "finding the direction" rather than just "north".

Pillow is not a dependency of Pejling; run the tool from a throwaway environment:

    python -m venv /tmp/iconvenv && /tmp/iconvenv/bin/pip install pillow
    /tmp/iconvenv/bin/python manifest/draw_icons.py

The two PNGs are committed; run this only to change the artwork.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent

# Keep BACKGROUND equal to accentColor in manifest.json: Teams shows the accent colour
# around the icon, and a mismatch shows as a frame.
BACKGROUND = (0x1E, 0x4E, 0x79, 255)
NEEDLE_NORTH = (0xF2, 0x6B, 0x3A, 255)
WHITE = (255, 255, 255, 255)

BEARING_DEGREES = 45  # the needle's heading, clockwise from north
Point = tuple[float, float]


def needle_halves(
    centre: Point, length: float, half_width: float
) -> tuple[list[Point], list[Point]]:
    """The north and south halves of a diamond needle turned to BEARING_DEGREES."""
    angle = math.radians(BEARING_DEGREES)
    ahead = (math.sin(angle), -math.cos(angle))  # screen y grows downwards
    side = (math.cos(angle), math.sin(angle))
    cx, cy = centre

    def at(forward: float, across: float) -> Point:
        x = cx + ahead[0] * forward + side[0] * across
        y = cy + ahead[1] * forward + side[1] * across
        return (x, y)

    north = [at(length, 0), at(0, half_width), at(0, -half_width)]
    south = [at(-length, 0), at(0, -half_width), at(0, half_width)]
    return north, south


def ring_box(centre: Point, radius: float) -> tuple[float, float, float, float]:
    """The bounding box of a circle, as Pillow's ellipse() wants it."""
    cx, cy = centre
    return (cx - radius, cy - radius, cx + radius, cy + radius)


def draw_ticks(
    draw: ImageDraw.ImageDraw, centre: Point, outer: float, inner: float, width: int
) -> None:
    """Short marks at north, east, south and west, just inside the ring."""
    cx, cy = centre
    for dx, dy in ((0, -1), (1, 0), (0, 1), (-1, 0)):
        start = (cx + dx * inner, cy + dy * inner)
        end = (cx + dx * outer, cy + dy * outer)
        draw.line([start, end], fill=WHITE, width=width)


def color_icon(size: int = 192, scale: int = 4) -> Image.Image:
    """The 192×192 full-colour icon: white compass and orange needle on the accent colour."""
    big = size * scale
    image = Image.new("RGBA", (big, big), BACKGROUND)
    draw = ImageDraw.Draw(image)
    centre = (big / 2, big / 2)
    # Teams asks for the symbol to sit well inside the square; a ~108 px ring leaves room.
    draw.ellipse(ring_box(centre, 54 * scale), outline=WHITE, width=7 * scale)
    draw_ticks(draw, centre, outer=44 * scale, inner=36 * scale, width=5 * scale)
    north, south = needle_halves(centre, length=40 * scale, half_width=10 * scale)
    draw.polygon(south, fill=WHITE)
    draw.polygon(north, fill=NEEDLE_NORTH)
    draw.ellipse(ring_box(centre, 4 * scale), fill=BACKGROUND)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def outline_icon(size: int = 32, scale: int = 16) -> Image.Image:
    """The 32×32 outline icon: white strokes on transparency, nothing else.

    Teams tints this icon itself, so every pixel is pure white and only the alpha
    channel carries the drawing (anti-aliased edges are white with partial alpha).
    """
    big = size * scale
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)
    centre = (big / 2, big / 2)
    draw.ellipse(ring_box(centre, 14.5 * scale), outline=255, width=round(2 * scale))
    north, south = needle_halves(centre, length=12 * scale, half_width=5 * scale)
    # Filled north half, hollow south half: the two ends stay apart without colour.
    draw.polygon(north, fill=255)
    draw.polygon(south, outline=255, width=round(1.3 * scale))
    alpha = mask.resize((size, size), Image.Resampling.LANCZOS)
    image = Image.new("RGBA", (size, size), WHITE)
    image.putalpha(alpha)
    return image


def main() -> None:
    """Write both icons next to this script."""
    color_icon().save(HERE / "color.png", optimize=True)
    outline_icon().save(HERE / "outline.png", optimize=True)


if __name__ == "__main__":
    main()
