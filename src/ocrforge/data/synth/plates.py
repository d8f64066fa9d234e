"""Synthetic licence plates: UK, EU (blue strip), US state, Brazilian, numeric and two-row styles,
photographed badly (angles up to 40°, dirt, night, glare, motion blur), as tight crops or on car-like
scenes.

A plate's text is what is printed, separators kept ("AB12 CDE", "B-MW 1234"); two-row plates
join their rows with a space. Many European plates carry a coat of arms or round inspection stickers
between two groups of characters: they are drawn, and read as the space they stand for ("RK 019AF"); some
carry their country code under a coat of arms or a flag instead of in the blue strip.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

from ocrforge.data.synth.degrade import defocus, jpeg, motion_blur, noise
from ocrforge.data.synth.fonts import FontFace, load_faces
from ocrforge.data.synth.render import load_font
from ocrforge.data.synth.scenes import TextImage
from ocrforge.detect.geometry import crop_quad, expand_quad, rectangle

Rng = np.random.Generator

WHITE, YELLOW, BLACK = (245, 245, 240), (250, 205, 20), (20, 20, 22)
EU_BLUE = (0, 51, 153)
EMBLEM = "*"  # in a pattern: the gap between two groups that holds the style's emblem
EMBLEM_GAP = "  "  # drawn in its place, for the emblem to fit in
# Share of plates with a country code that carry it under a coat of arms or a flag on the plate's own ground
# instead of in the blue strip, as older and non-EU European plates do (Slovakia before 2022, Serbia, Ukraine).
NATIONAL_MARK_SHARE = 0.3


@dataclass(frozen=True)
class PlateStyle:
    name: str
    patterns: tuple[str, ...]  # L: a letter, N: a digit, l: an optional letter, n: an optional digit; "/" splits rows;
    # "*" (EMBLEM) a gap holding the emblem
    grounds: tuple[tuple[int, int, int], ...]
    ink: tuple[int, int, int] = BLACK
    aspect: float = 4.7  # width / height
    eu_code: str | None = None  # country code, in the blue strip or under a national mark (NATIONAL_MARK_SHARE)
    caption: tuple[str, ...] = ()  # small print above the number (US states)
    band: tuple[int, int, int] | None = None  # a coloured band across the top, the caption white on it (Mercosur)
    letters: str = string.ascii_uppercase
    emblem: str | None = None  # drawn in each EMBLEM gap: "shield" (a coat of arms) or "stickers" (round seals)


STYLES = (
    PlateStyle("uk", ("LLNN LLL",), (WHITE, YELLOW), letters="ABCDEFGHJKLMNOPRSTUVWXYZ"),
    PlateStyle("uk-eu", ("LLNN LLL",), (WHITE, YELLOW), eu_code="UK", letters="ABCDEFGHJKLMNOPRSTUVWXYZ"),
    PlateStyle("de", ("Ll-Ll Nnnn", "L-LL NNN", "LLL-L NNNN"), (WHITE,), eu_code="D"),
    PlateStyle("de-seals", ("Ll*Ll Nnnn", "L*LL NNN", "LLL*L NNNN"), (WHITE,), eu_code="D", emblem="stickers"),
    PlateStyle("at", ("Ll*NNNLL", "L*NNNNL"), (WHITE,), eu_code="A", emblem="shield"),
    PlateStyle("sk", ("LL*NNNLL", "LL-NNNLL"), (WHITE,), eu_code="SK", emblem="shield"),
    PlateStyle("hr", ("LL*NNN-LL", "LL*NNNN-L"), (WHITE,), eu_code="HR", emblem="shield"),
    PlateStyle("cz", ("NLN*NNNN", "NLN NNNN", "NLL*NNNN"), (WHITE,), eu_code="CZ", emblem="stickers"),
    PlateStyle("fr", ("LL-NNN-LL",), (WHITE,), eu_code="F", letters="ABCDEFGHJKLMNPQRSTVWXYZ"),
    PlateStyle("nl", ("NN-LLL-N", "LL-NNN-L", "N-LLL-NN"), (YELLOW,), eu_code="NL", letters="BDFGHJKLNPRSTVXZ"),
    PlateStyle("it", ("LL NNNLL", "LL NNN LL"), (WHITE,), eu_code="I"),
    PlateStyle("es", ("NNNN LLL",), (WHITE,), eu_code="E", letters="BCDFGHJKLMNPRSTVWXYZ"),
    PlateStyle("pl", ("LL NNNNN", "LLL NNNLL"), (WHITE,), eu_code="PL"),
    PlateStyle("us-ca", ("NLLLNNN",), (WHITE,), ink=(20, 30, 110), aspect=2.0, caption=("California",)),
    PlateStyle("us-ny", ("LLL-NNNN",), ((240, 170, 40), WHITE), ink=(10, 30, 90), aspect=2.0, caption=("NEW YORK", "Empire State")),
    PlateStyle("us-tx", ("LLL-NNNN", "LLL NNNN"), (WHITE,), aspect=2.0, caption=("TEXAS",)),
    PlateStyle("us-fl", ("LLL LNN", "NNN LLL"), (WHITE,), ink=(10, 90, 50), aspect=2.0, caption=("Florida", "Sunshine State")),
    PlateStyle("br", ("LLL-NNNN", "LLL NNNN"), ((190, 192, 195), (215, 215, 212)), caption=("SP - SAO PAULO", "RJ - RIO"),
               aspect=3.1),
    PlateStyle("mercosur", ("LLLNLNN",), (WHITE,), caption=("BRASIL",), band=EU_BLUE, aspect=3.1),
    PlateStyle("numeric", ("NNN NNNN", "NN-NNN-NN", "NNNNNN"), (WHITE, YELLOW, (230, 230, 210)), aspect=4.0),
    PlateStyle("dashed", ("LLL-NNN", "NN-LL-NN", "L-NNN-LL"), (WHITE, (200, 225, 245)), aspect=4.2),
    PlateStyle("two-row", ("LLNN/LLL", "LLL/NNNN", "NN/LLNNN"), (WHITE, YELLOW), aspect=1.6),
)

# Bold and condensed sans, monospaced and OCR faces: what plates are set in.
PLATE_FACE = re.compile(r"(Bold|Black|Heavy|Cond|Narrow|Bebas|Mono|OCRA|Oswald|Kaffeesatz)", re.IGNORECASE)
NOT_PLATE_FACE = re.compile(
    r"(Italic|Oblique|Script|Serif|Slab|Roman|Garamond|Baskerv|Didot|Junicode|Lobster|Dancing|Comic|Sketch|C059|P052|"
    r"Tinos|Caladea|Gentium|Charis|Accanthis|STIX|OldStandard|Fanwood|Averia|Universalis|BI\.|BdIta|CondIt)", re.IGNORECASE)


def plate_faces(split: str = "train") -> tuple[FontFace, ...]:
    faces = tuple(f for f in load_faces(split) if PLATE_FACE.search(f.path.rsplit("/", 1)[-1])
                  and not NOT_PLATE_FACE.search(f.path.rsplit("/", 1)[-1]))
    return faces or load_faces(split)


def plate_text(rng: Rng, style: PlateStyle) -> str:
    pattern = style.patterns[int(rng.integers(len(style.patterns)))]
    out = []
    for symbol in pattern:
        if symbol in "ln" and rng.random() < 0.5:
            continue
        if symbol in "Ll":
            out.append(style.letters[int(rng.integers(len(style.letters)))])
        elif symbol in "Nn":
            out.append(str(int(rng.integers(10))))
        else:
            out.append(symbol)
    return "".join(out)


def _fit_font(face: FontFace, text: str, max_w: float, max_h: float):
    """The largest size at which `text` fits in max_w x max_h, with its ink box."""
    size = max(8, int(max_h * 1.4))
    while size > 8:
        font = load_font(face.path, size)
        left, top, right, bottom = font.getbbox(text)
        if right - left <= max_w and bottom - top <= max_h:
            return font, (left, top, right, bottom)
        size = int(size * 0.93)
    font = load_font(face.path, 8)
    return font, font.getbbox(text)


@dataclass
class Plate:
    image: np.ndarray  # (H, W, 3) uint8 RGB: the plate face-on, nothing around it
    text: str
    style: str
    rows: list[tuple[str, np.ndarray]]  # each printed row and its ink box (4 corners, plate pixels)
    groups: list[tuple[str, np.ndarray]]  # each space-separated group of a row and its ink box


def draw_plate(rng: Rng, style: PlateStyle, face: FontFace, text: str, height: int = 120) -> Plate:
    """The plate face-on: ground, frame, bolts, EU strip or state caption, the number."""
    width = int(height * style.aspect)
    ground = style.grounds[int(rng.integers(len(style.grounds)))]
    image = Image.new("RGB", (width, height), ground)
    draw = ImageDraw.Draw(image)
    border = max(2, height // 30)
    draw.rounded_rectangle((border, border, width - border - 1, height - border - 1), radius=height // 10,
                           outline=style.ink, width=border if rng.random() < 0.7 else max(1, border // 2))
    left, top, right, bottom = 3 * border, 2 * border, width - 3 * border, height - 2 * border
    if style.eu_code:
        strip = int(height * 0.3)
        national = rng.random() < NATIONAL_MARK_SHARE
        if national:
            mark = "shield" if rng.random() < 0.5 else "flag"
            _draw_emblem(draw, rng, mark, (border + 2, height * 0.12, border + strip, height * 0.5))
        else:
            draw.rectangle((border + 1, border + 1, border + strip, height - border - 2), fill=EU_BLUE)
            centre = (border + strip / 2, height * 0.32)
            for k in range(12):  # the ring of stars, as dots
                angle = 2 * np.pi * k / 12
                x, y = centre[0] + strip * 0.28 * np.cos(angle), centre[1] + strip * 0.28 * np.sin(angle)
                draw.ellipse((x - 1.5, y - 1.5, x + 1.5, y + 1.5), fill=(255, 204, 0))
        code_font, box = _fit_font(face, style.eu_code, strip * 0.8, height * 0.28)
        draw.text((border + strip / 2 - (box[0] + box[2]) / 2, height * 0.62 - box[1]), style.eu_code, font=code_font,
                  fill=style.ink if national else WHITE)
        left = border + strip + 2 * border
    if style.caption:
        caption = style.caption[int(rng.integers(len(style.caption)))]
        cap_font, box = _fit_font(face, caption, (right - left) * 0.7, height * 0.14)
        if style.band:
            draw.rectangle((border + 1, border + 1, width - border - 2, top + height * 0.17), fill=style.band)
        draw.text(((left + right) / 2 - (box[0] + box[2]) / 2, top - box[1]), caption, font=cap_font,
                  fill=WHITE if style.band else (170, 30, 30))
        top += int(height * 0.2)
    for x in (width * 0.22, width * 0.78):  # bolts
        if rng.random() < 0.6:
            r = height * 0.035
            draw.ellipse((x - r, height * 0.1 - r, x + r, height * 0.1 + r), fill=(150, 150, 150), outline=(90, 90, 90))
    printed_rows = text.split("/")
    rows = [row.replace(EMBLEM, " ") for row in printed_rows]  # as read: an emblem is a gap
    row_h = (bottom - top) / len(rows)
    row_boxes, group_boxes = [], []
    for i, printed in enumerate(printed_rows):
        parts = printed.split(EMBLEM)
        row = EMBLEM_GAP.join(parts)
        font, box = _fit_font(face, row, (right - left) * rng.uniform(0.85, 0.97), row_h * rng.uniform(0.72, 0.86))
        x = (left + right) / 2 - (box[0] + box[2]) / 2
        y = top + row_h * i + row_h / 2 - (box[1] + box[3]) / 2
        draw.text((x, y), row, font=font, fill=style.ink)
        row_boxes.append((rows[i], rectangle(x + box[0], y + box[1], x + box[2], y + box[3])))
        for group in re.finditer(r"\S+", row):
            g0, _, g1, _ = font.getbbox(group[0])
            offset = font.getlength(row[:group.start()])
            group_boxes.append((group[0], rectangle(x + offset + g0, y + box[1], x + offset + g1, y + box[3])))
        gap = 0
        for part in parts[:-1]:
            gap += len(part)
            gap_x0, gap_x1 = x + font.getlength(row[:gap]), x + font.getlength(row[:gap + len(EMBLEM_GAP)])
            _draw_emblem(draw, rng, style.emblem, (gap_x0, y + box[1], gap_x1, y + box[3]))
            gap += len(EMBLEM_GAP)
    return Plate(np.asarray(image), " ".join(rows), style.name, row_boxes, group_boxes)


def _draw_emblem(draw: ImageDraw.ImageDraw, rng: Rng, kind: str | None, gap: tuple[float, ...]) -> None:
    """A coat of arms, a flag, or one or two round seals, centred in `gap` (x0, y0, x1, y1: the gap between
    two groups, as high as the characters, or the national mark's place)."""
    x0, y0, x1, y1 = gap
    cx, cy, h = (x0 + x1) / 2, (y0 + y1) / 2, y1 - y0

    def colour() -> tuple[int, ...]:
        return tuple(int(c) for c in rng.uniform(0, 255, 3))

    if kind == "shield":
        w = min(x1 - x0, h * 0.6) * rng.uniform(0.7, 0.95)
        top, bottom = cy - h * rng.uniform(0.25, 0.4), cy + h * rng.uniform(0.25, 0.4)
        draw.polygon([(cx - w / 2, top), (cx + w / 2, top), (cx + w / 2, (top + bottom) / 2), (cx, bottom),
                      (cx - w / 2, (top + bottom) / 2)], fill=colour(), outline=colour())
        for _ in range(int(rng.integers(1, 4))):  # the arms' charges: a cross, a band, a smaller shape
            px, py = cx + rng.uniform(-0.25, 0.25) * w, rng.uniform(top, bottom - (bottom - top) * 0.3)
            r = w * rng.uniform(0.1, 0.25)
            draw.rectangle((px - r, py - r / 3, px + r, py + r / 3), fill=colour())
    elif kind == "flag":
        w, h_flag = (x1 - x0) * rng.uniform(0.7, 0.95), h * rng.uniform(0.45, 0.7)
        stripes = int(rng.integers(2, 4))
        for k in range(stripes):
            top = cy - h_flag / 2 + k * h_flag / stripes
            draw.rectangle((cx - w / 2, top, cx + w / 2, top + h_flag / stripes), fill=colour())
    elif kind == "stickers":
        r = min(x1 - x0, h * 0.5) * rng.uniform(0.3, 0.48)
        centres = [cy] if rng.random() < 0.4 else [cy - h * 0.22, cy + h * 0.22]
        for c in centres:
            draw.ellipse((cx - r, c - r, cx + r, c + r), fill=colour(), outline=colour(), width=max(1, int(r / 4)))


def weather(plate: np.ndarray, rng: Rng) -> np.ndarray:
    """Dirt, glare and night on the face-on plate (float32 RGB)."""
    h, w = plate.shape[:2]
    out = plate.astype(np.float32)
    if rng.random() < 0.5:  # dirt: a smooth dark blotch field
        field = cv2.resize(rng.random((4, 8)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
        out *= 1.0 - np.clip(field - rng.uniform(0.3, 0.7), 0, 1)[..., None] * rng.uniform(0.3, 0.9)
    if rng.random() < 0.3:  # glare: a bright elliptical highlight
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        spot = np.exp(-(((xx - cx) / (w * rng.uniform(0.1, 0.4))) ** 2 + ((yy - cy) / (h * rng.uniform(0.2, 0.6))) ** 2))
        out += spot[..., None] * rng.uniform(80, 200)
    if rng.random() < 0.25:  # night: dark, warm or cold light, noisy
        out = out * rng.uniform(0.15, 0.45) * rng.uniform(0.8, 1.2, 3).astype(np.float32)
    return np.clip(out, 0, 255)


def tilted_corners(rng: Rng, w: int, h: int, max_yaw: float) -> np.ndarray:
    """Where the corners of a w x h plate land seen from an angle (yaw up to `max_yaw` degrees, some pitch
    and roll): (4, 2), clockwise from top-left, around the origin."""
    yaw = np.deg2rad(rng.uniform(-max_yaw, max_yaw))
    pitch = np.deg2rad(rng.uniform(-15, 15))
    roll = np.deg2rad(rng.normal(0, 4))
    # Foreshortening: the far side shrinks with the yaw, the top or bottom with the pitch.
    half_w, half_h = w / 2 * np.cos(yaw), h / 2 * np.cos(pitch)
    near = 1.0 + 0.25 * abs(np.sin(yaw))
    far = 1.0 - 0.25 * abs(np.sin(yaw))
    left_scale, right_scale = (far, near) if yaw > 0 else (near, far)
    corners = np.float32([[-half_w, -half_h * left_scale], [half_w, -half_h * right_scale],
                          [half_w, half_h * right_scale], [-half_w, half_h * left_scale]])
    corners[:, 0] += np.sin(pitch) * corners[:, 1] * 0.2
    rotation = np.float32([[np.cos(roll), -np.sin(roll)], [np.sin(roll), np.cos(roll)]])
    return corners @ rotation.T


def _view(plate: np.ndarray, rng: Rng, max_yaw: float, margin: float) -> tuple[np.ndarray, np.ndarray]:
    """The plate seen from an angle (tilted_corners) on a car-coloured surround; returns the image and the
    3x3 transform from plate pixels into it."""
    h, w = plate.shape[:2]
    corners = tilted_corners(rng, w, h, max_yaw)
    pad = margin * h
    corners -= corners.min(axis=0) - pad
    out_w, out_h = (corners.max(axis=0) + pad).astype(int)
    body = np.float32(rng.uniform(0, 255, 3))
    surround = np.broadcast_to(body, (out_h, out_w, 3)).astype(np.float32).copy()
    surround += rng.normal(0, 6, (out_h, out_w, 1)).astype(np.float32)
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), corners)
    warped = cv2.warpPerspective(plate, m, (out_w, out_h), flags=cv2.INTER_LINEAR)
    inside = cv2.warpPerspective(np.ones((h, w), np.float32), m, (out_w, out_h), flags=cv2.INTER_LINEAR)[..., None]
    return surround * (1 - inside) + warped * inside, m


@dataclass
class PlatePhoto:
    image: np.ndarray  # (H, W, 3) uint8 RGB
    text: str  # as printed, rows joined by a space
    corners: np.ndarray  # (4, 2): the plate in the image, clockwise from top-left
    rows: list[tuple[str, np.ndarray]]  # each row's text and ink quad in the image
    groups: list[tuple[str, np.ndarray]]  # each space-separated group's text and ink quad


def quad_through(m: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """`quad` (4, 2) carried through the 3x3 perspective transform `m`."""
    return cv2.perspectiveTransform(quad.reshape(1, 4, 2).astype(np.float32), m).reshape(4, 2)


def plate_photo(rng: Rng, faces: tuple[FontFace, ...], max_yaw: float = 40.0, margin: float = 0.15) -> PlatePhoto:
    """A plate photographed at an angle in bad conditions, cut loosely around it."""
    style = STYLES[int(rng.integers(len(STYLES)))]
    face = faces[int(rng.integers(len(faces)))]
    plate = draw_plate(rng, style, face, plate_text(rng, style), height=int(rng.integers(60, 160)))
    image, m = _view(weather(plate.image, rng), rng, max_yaw, rng.uniform(0.02, margin))
    h, w = plate.image.shape[:2]
    if rng.random() < 0.35:  # up to about a third of a character's height
        image = motion_blur(image, rng, int(rng.integers(3, max(4, image.shape[0] // 14))))
    elif rng.random() < 0.3:
        image = defocus(image, rng, rng.uniform(0.5, max(0.6, image.shape[0] / 60)))
    if rng.random() < 0.4:
        scale = rng.uniform(0.3, 0.8)  # far away: fewer pixels
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        m = np.diag([scale, scale, 1.0]) @ m
    if rng.random() < 0.5:
        image = noise(image, rng)
    if rng.random() < 0.5:
        image = jpeg(image, rng)
    return PlatePhoto(np.clip(image, 0, 255).astype(np.uint8), plate.text, quad_through(m, rectangle(0, 0, w, h)),
                      [(t, quad_through(m, q)) for t, q in plate.rows], [(t, quad_through(m, q)) for t, q in plate.groups])


# As the plate reader cuts detector boxes: this much margin (in box heights) around each.
READ_MARGIN = 0.15


def plate_crop(seed: int, index: int, split: str = "train") -> tuple[np.ndarray, str]:
    """A training crop for the plate recognizer: one row of a plate photo (or one group of it, as the
    detector sometimes splits a row at its gaps), cut as the reader cuts a detected box, corners jittered
    as a detector's are. Deterministic per (seed, index)."""
    rng = np.random.default_rng([seed, index])
    photo = plate_photo(rng, plate_faces(split))
    whole_rows = rng.random() < 0.7
    pieces = photo.rows if whole_rows else photo.groups
    choice = int(rng.integers(len(pieces)))
    text, quad = pieces[choice]
    height = float(np.linalg.norm(quad[3] - quad[0]))
    quad = quad + rng.normal(0, 0.05 * height, (4, 2)).astype(np.float32)
    # Detectors often run a row's box out to the plate's edge, over a country code or the frame on
    # either side: the label stays the number, so the model learns to leave those out.
    along = (quad[1] - quad[0]) / max(float(np.linalg.norm(quad[1] - quad[0])), 1e-6)
    if (whole_rows or choice == 0) and rng.random() < 0.4:
        reach = float(np.dot(photo.corners[0] - quad[0], along)) * rng.uniform(0.5, 1.0)
        if reach < 0:
            quad[[0, 3]] += along * reach
    if (whole_rows or choice == len(pieces) - 1) and rng.random() < 0.2:
        reach = float(np.dot(photo.corners[1] - quad[1], along)) * rng.uniform(0.5, 1.0)
        if reach > 0:
            quad[[1, 2]] += along * reach
    return crop_quad(photo.image, expand_quad(quad, READ_MARGIN * rng.uniform(0.6, 1.4))), text


def car_photo(rng: Rng, faces: tuple[FontFace, ...], width: int = 1280, height: int = 960) -> PlatePhoto:
    """The back of a car in a street, its plate 10-25% of the car's width, seen at an angle; a sign with
    other text may stand beside it. The plate's corners and rows are in the photo's pixels."""
    from ocrforge.data.synth.background import background
    from ocrforge.data.synth.text import dictionary_word

    street = background(rng, height, width, np.float32(rng.uniform(60, 200, 3)))
    car_w = int(width * rng.uniform(0.45, 0.8))
    car_h = int(car_w * rng.uniform(0.55, 0.75))
    x0 = int(rng.uniform(0, width - car_w))
    y0 = int(rng.uniform(height * 0.15, max(height * 0.15 + 1, height - car_h)))
    body = tuple(int(c) for c in rng.uniform(20, 235, 3))
    canvas = Image.fromarray(np.clip(street, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(canvas)
    draw.rounded_rectangle((x0, y0, x0 + car_w, y0 + car_h), radius=car_w // 12, fill=body)
    draw.polygon([(x0 + car_w * 0.15, y0 + car_h * 0.08), (x0 + car_w * 0.85, y0 + car_h * 0.08),
                  (x0 + car_w * 0.78, y0 + car_h * 0.38), (x0 + car_w * 0.22, y0 + car_h * 0.38)], fill=(30, 35, 45))
    for side in (0.04, 0.81):
        draw.rectangle((x0 + car_w * side, y0 + car_h * 0.45, x0 + car_w * (side + 0.15), y0 + car_h * 0.58), fill=(190, 20, 25))
    draw.rectangle((x0, y0 + car_h * 0.8, x0 + car_w, y0 + car_h * 0.95), fill=(25, 25, 28))
    if rng.random() < 0.5:  # a shop sign: text that is not a plate
        word = dictionary_word(rng).upper()
        font = load_font(faces[int(rng.integers(len(faces)))].path, int(height * 0.05))
        sx, sy = (x0 + car_w + 20, 40) if x0 + car_w + 300 < width else (20, 20)
        draw.rectangle((sx, sy, sx + font.getlength(word) + 30, sy + height * 0.08), fill=(240, 240, 235))
        draw.text((sx + 15, sy + height * 0.01), word, font=font, fill=(20, 20, 20))
    style = STYLES[int(rng.integers(len(STYLES)))]
    face = faces[int(rng.integers(len(faces)))]
    plate_w = car_w * rng.uniform(0.18, 0.3) * (style.aspect / 4.7) ** 0.5
    plate = draw_plate(rng, style, face, plate_text(rng, style), height=max(24, int(plate_w / style.aspect)))
    view, m = _view(weather(plate.image, rng), rng, 30.0, 0.0)
    vh, vw = view.shape[:2]
    px = int(x0 + car_w / 2 - vw / 2)
    py = int(y0 + car_h * 0.62 - vh / 2)
    image = np.asarray(canvas).astype(np.float32)
    inside = cv2.warpPerspective(np.ones(plate.image.shape[:2], np.float32), m, (vw, vh))[..., None]
    ys, xs = slice(max(py, 0), min(py + vh, height)), slice(max(px, 0), min(px + vw, width))
    region = (slice(ys.start - py, ys.stop - py), slice(xs.start - px, xs.stop - px))
    image[ys, xs] = image[ys, xs] * (1 - inside[region]) + view[region] * inside[region]
    m = np.float64([[1, 0, px], [0, 1, py], [0, 0, 1]]) @ m
    if rng.random() < 0.3:
        image = motion_blur(image, rng, int(rng.integers(3, 9)))
    if rng.random() < 0.5:
        image = noise(image, rng)
    h, w = plate.image.shape[:2]
    return PlatePhoto(np.clip(image, 0, 255).astype(np.uint8), plate.text, quad_through(m, rectangle(0, 0, w, h)),
                      [(t, quad_through(m, q)) for t, q in plate.rows], [(t, quad_through(m, q)) for t, q in plate.groups])


def plate_detection_sample(seed: int, index: int, split: str = "train", kind: str | None = None) -> TextImage:
    """Image number `index` of stream `seed` for the plate detector: a loose plate crop or a car photo
    (half each, or `kind` "crop" / "car"), boxed row by row. Only the number's rows are text: a state's
    caption, the EU country code and a shop sign are background, so the detector learns to pass them over."""
    rng = np.random.default_rng([seed, index])
    kind = kind or ("crop" if rng.random() < 0.5 else "car")
    photo = (plate_photo if kind == "crop" else car_photo)(rng, plate_faces(split))
    return TextImage(photo.image, [q for _, q in photo.rows], [t for t, _ in photo.rows])
