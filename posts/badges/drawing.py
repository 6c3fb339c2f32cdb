"""Drawing the badge PNGs. Sizes are in CSS pixels; ``scale=2`` draws every pixel twice
as fine for high-density screens (the HTML snippet keeps the 1x width and height)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageOps

from posts.badges import fonts

SIZES = {"network": (320, 96), "member": (360, 112), "post": (440, 128)}

NAVY = "#0f2a47"
NAVY_MUTED = "#c5d3e4"
WHITE = "#ffffff"
INK = "#1b2430"
MUTED = "#4f5b6b"
BORDER = "#d6dde6"
ACCENT = "#0b5cad"
ELLIPSIS = "…"
# Words with their leading space; a hyphenated word splits after each hyphen.
TOKENS = re.compile(r"\s*[^\s-]+-*|\s*-+")


@dataclass(frozen=True)
class Line:
    text: str
    size: float


class Canvas:
    def __init__(self, kind: str, scale: int, background: str):
        self.width, self.height = SIZES[kind]
        self.scale = scale
        self.image = Image.new("RGB", (self.width * scale, self.height * scale), background)
        self.draw = ImageDraw.Draw(self.image)

    def px(self, value: float) -> int:
        return round(value * self.scale)

    def width_of(self, text: str, size: float, *, bold: bool) -> float:
        """Width in CSS pixels; text must be drawable."""
        total = 0.0
        for path, run in fonts.runs(text, bold=bold) or []:
            total += fonts.load(path, self.px(size)).getlength(run)
        return total / self.scale

    def text(self, x: float, baseline: float, text: str, size: float, fill: str, *, bold=False):
        cursor = self.px(x)
        for path, run in fonts.runs(text, bold=bold) or []:
            font = fonts.load(path, self.px(size))
            self.draw.text((cursor, self.px(baseline)), run, font=font, fill=fill, anchor="ls")
            cursor += font.getlength(run)

    def fit(
        self, text: str, *, width: float, size: float, min_size: float, lines: int, bold: bool
    ) -> list[Line]:
        """Lay ``text`` out in at most ``lines`` lines of ``width``: shrink, wrap, then cut."""
        current = size
        while True:
            wrapped = self._wrap(text, width, current, bold=bold)
            if len(wrapped) <= lines or current <= min_size:
                break
            current = max(min_size, current - 1)
        if len(wrapped) > lines:
            wrapped = wrapped[:lines]
            wrapped[-1] = self._cut(wrapped[-1], width, current, bold=bold, force=True)
        return [Line(line, current) for line in wrapped]

    def _wrap(self, text: str, width: float, size: float, *, bold: bool) -> list[str]:
        """Greedy wrapping at spaces and after hyphens; an over-long word breaks anywhere."""
        lines: list[str] = []
        current = ""
        for token in TOKENS.findall(text):
            candidate = (current + token) if current else token.lstrip()
            if self.width_of(candidate, size, bold=bold) <= width:
                current = candidate
                continue
            if current:
                lines.append(current.rstrip())
            current = ""
            for char in token.lstrip():
                if current and self.width_of(current + char, size, bold=bold) > width:
                    lines.append(current)
                    current = char
                else:
                    current += char
        if current:
            lines.append(current)
        return lines or [""]

    def _cut(self, text: str, width: float, size: float, *, bold: bool, force=False) -> str:
        if not force and self.width_of(text, size, bold=bold) <= width:
            return text
        while text and self.width_of(text.rstrip() + ELLIPSIS, size, bold=bold) > width:
            text = text[:-1]
        return text.rstrip() + ELLIPSIS

    def one_line(self, text: str, *, width: float, size: float, bold=False) -> str:
        return self._cut(text, width, size, bold=bold)

    def brand_mark(self, x: float, y: float, box: float, *, fill=WHITE, ink=NAVY):
        self.draw.rounded_rectangle(
            (self.px(x), self.px(y), self.px(x + box), self.px(y + box)),
            radius=self.px(box * 0.22),
            fill=fill,
        )
        label = "rR"
        size = box * 0.46
        text_width = self.width_of(label, size, bold=True)
        self.text(x + (box - text_width) / 2, y + box * 0.66, label, size, ink, bold=True)

    def verified(self, x: float, baseline: float, size: float):
        """A filled circle with a tick, beside the name (drawn, so no font is needed)."""
        r = size * 0.5
        cx, cy = x + r, baseline - size * 0.42
        self.draw.ellipse(
            (self.px(cx - r), self.px(cy - r), self.px(cx + r), self.px(cy + r)), fill=ACCENT
        )
        tick = [
            (cx - r * 0.45, cy + r * 0.02),
            (cx - r * 0.1, cy + r * 0.38),
            (cx + r * 0.5, cy - r * 0.35),
        ]
        self.draw.line(
            [(self.px(a), self.px(b)) for a, b in tick],
            fill=WHITE,
            width=self.px(size * 0.13) or 1,
            joint="curve",
        )

    def border(self):
        self.draw.rectangle(
            (0, 0, self.image.width - 1, self.image.height - 1), outline=BORDER, width=self.scale
        )

    def png(self) -> bytes:
        buffer = io.BytesIO()
        self.image.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()


def draw_network(*, site_name: str, tagline: str, members: str, posts: str, scale: int) -> bytes:
    canvas = Canvas("network", scale, NAVY)
    canvas.brand_mark(14, 14, 40)
    text_x, width = 66, canvas.width - 66 - 12
    (name,) = canvas.fit(site_name, width=width, size=16, min_size=13, lines=1, bold=True)
    canvas.text(text_x, 34, name.text, name.size, WHITE, bold=True)
    y = 52
    for line in canvas.fit(tagline, width=width, size=10.5, min_size=9, lines=2, bold=False):
        canvas.text(text_x, y, line.text, line.size, NAVY_MUTED)
        y += line.size + 3
    counts = f"{members} · {posts}"
    canvas.text(
        14,
        86,
        canvas.one_line(counts, width=canvas.width - 28, size=12, bold=True),
        12,
        WHITE,
        bold=True,
    )
    return canvas.png()


def draw_member(
    *,
    name: str,
    role: str,
    verified: bool,
    avatar: Image.Image | None,
    initials: str,
    colour: str,
    site_name: str,
    scale: int,
) -> bytes:
    canvas = Canvas("member", scale, WHITE)
    canvas.border()
    side = 72
    top = (canvas.height - side) / 2
    _avatar(canvas, 14, top, side, avatar, initials, colour)

    x = 14 + side + 14
    width = canvas.width - x - 14
    mark = 15 if verified else 0
    name_lines = canvas.fit(name, width=width - mark - 4, size=17, min_size=12, lines=3, bold=True)
    y = {1: 30, 2: 25, 3: 22}[len(name_lines)]
    for i, line in enumerate(name_lines):
        canvas.text(x, y, line.text, line.size, INK, bold=True)
        if verified and i == len(name_lines) - 1:
            end = x + canvas.width_of(line.text, line.size, bold=True)
            canvas.verified(end + 4, y, mark)
        y += line.size + 4
    if role:
        canvas.text(x, y + 2, canvas.one_line(role, width=width, size=11.5), 11.5, MUTED)
        y += 16
    canvas.brand_mark(x, canvas.height - 30, 18, fill=NAVY, ink=WHITE)
    label = canvas.one_line(f"Member of {site_name}", width=width - 24, size=11, bold=True)
    canvas.text(x + 24, canvas.height - 17, label, 11, ACCENT, bold=True)
    return canvas.png()


def _avatar(canvas, x, y, side, avatar, initials, colour):
    size = canvas.px(side)
    mask = Image.new("L", (size * 4, size * 4), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, size * 4 - 1, size * 4 - 1), fill=255)
    mask = mask.resize((size, size), Image.Resampling.LANCZOS)
    if avatar is not None:
        face = ImageOps.fit(avatar.convert("RGB"), (size, size), Image.Resampling.LANCZOS)
        canvas.image.paste(face, (canvas.px(x), canvas.px(y)), mask)
        return
    disc = Image.new("RGB", (size, size), colour)
    canvas.image.paste(disc, (canvas.px(x), canvas.px(y)), mask)
    letters = initials if initials and fonts.drawable(initials) else "?"
    font_size = side * 0.38
    text_width = canvas.width_of(letters, font_size, bold=True)
    canvas.text(x + (side - text_width) / 2, y + side * 0.64, letters, font_size, WHITE, bold=True)


def draw_post(*, title: str, citation: str, views: str, site_name: str, scale: int) -> bytes:
    canvas = Canvas("post", scale, WHITE)
    canvas.border()
    canvas.draw.rectangle((0, 0, canvas.px(6) - 1, canvas.image.height), fill=NAVY)
    x, width = 20, canvas.width - 20 - 14
    canvas.brand_mark(x, 10, 18, fill=NAVY, ink=WHITE)
    canvas.text(
        x + 24,
        23.5,
        canvas.one_line(site_name, width=width - 130, size=11, bold=True),
        11,
        NAVY,
        bold=True,
    )
    views_width = canvas.width_of(views, 11, bold=True)
    canvas.text(canvas.width - 14 - views_width, 23.5, views, 11, MUTED, bold=True)
    y = 50
    for line in canvas.fit(title, width=width, size=15, min_size=12.5, lines=3, bold=True):
        canvas.text(x, y, line.text, line.size, INK, bold=True)
        y += line.size + 4
    if citation:
        canvas.text(
            x, canvas.height - 12, canvas.one_line(citation, width=width, size=11), 11, MUTED
        )
    return canvas.png()
