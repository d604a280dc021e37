"""Draw the neutral stand-in emblem (beeldmerk) as SVG and PNG.

The real Rijksoverheid emblem may only be used by government bodies; this one is a
plain lintblauw band with an abstract white shield, the same size and position.
Run once: ``python scripts/make_beeldmerk.py``; the results live in briefing/assets.
"""

import struct
import zlib
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "briefing" / "assets"
W, H = 130, 260  # tenths of a millimetre: 13 x 26 mm
BLUE = (0x15, 0x42, 0x73)

SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" width="13mm" height="26mm" viewBox="0 0 {W} {H}">
<title>Beeldmerk (neutrale vervanging)</title>
<rect width="{W}" height="{H}" fill="#154273"/>
<path d="M40 150 L90 150 L90 190 Q90 215 65 228 Q40 215 40 190 Z" fill="none" stroke="#fff" stroke-width="6"/>
<rect x="55" y="128" width="20" height="12" fill="#fff"/>
</svg>
"""


def inside(x: float, y: float) -> bool:
    """Whether a point (in SVG units) is white in the drawing above."""
    if 55 <= x <= 75 and 128 <= y <= 140:
        return True
    # shield outline: distance to the outline less than 3 units
    def in_shield(px: float, py: float) -> bool:
        if not 40 <= px <= 90 or py < 150:
            return False
        if py <= 190:
            return True
        t = (py - 190) / 38  # the curved tip, approximated by a narrowing band
        if t >= 1:
            return False
        half = 25 * (1 - t * t) ** 0.5
        return abs(px - 65) <= half
    return in_shield(x, y) and not in_shield_inset(x, y, in_shield)


def in_shield_inset(x: float, y: float, in_shield) -> bool:
    """Whether a point lies 3 units or more inside the shield."""
    return all(in_shield(x + dx, y + dy) for dx, dy in ((3, 0), (-3, 0), (0, 3), (0, -3)))


def png(scale: int = 2) -> bytes:
    """The emblem as an RGB PNG at ``scale`` pixels per SVG unit."""
    w, h = W * scale, H * scale
    rows = bytearray()
    for j in range(h):
        rows.append(0)
        for i in range(w):
            rows.extend((255, 255, 255) if inside(i / scale, j / scale) else BLUE)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    # pHYs: 20 px per mm = 20000 px per metre, so Word places it at 13 x 26 mm.
    ppm = scale * 10000
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1))
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    ASSETS.mkdir(exist_ok=True)
    (ASSETS / "beeldmerk.svg").write_text(SVG, encoding="utf-8")
    (ASSETS / "beeldmerk.png").write_bytes(png())
