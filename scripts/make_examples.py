"""Make the bundled example photos (examples/photos) and the text each shows (examples/expected.json).

    python scripts/make_examples.py            # writes examples/photos/* and examples/expected.json

Five images of what users bring: a page photographed at an angle, a street sign, a shop front, the back
of a car with its plate, a short scanned letter. Drawn with the faces the synthetic engine renders with
(scripts/install-fonts.sh); the same seed gives the same images. The text is set small enough to be a
real photo and large enough for the shipped models to read: tests/e2e/test_examples.py holds them to it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocrforge.data.synth.fonts import load_faces

SEED = 20250301
ROOT = Path(__file__).resolve().parents[1]
Rng = np.random.Generator

PAGE_TITLE = "Caring for Houseplants in Winter"
PAGE_PARAGRAPHS = (
    "Most houseplants grow slowly in winter, so they need much less water than in summer. Check the soil "
    "with a finger before watering: if the top two centimetres are still damp, wait a few more days.",
    "Keep plants away from radiators and cold draughts. A bright windowsill is the best place for them, "
    "but their leaves should not touch the cold glass at night.",
    "Wipe the dust off large leaves with a soft damp cloth once a month. Clean leaves take in more light "
    "and stay healthy until spring.",
)
STREET = ("Maple Ave", "1200")
ONE_WAY = "ONE WAY"
SHOP_NAME = "Rosie's Bakery"
SHOP_WINDOW = ("Fresh bread", "baked daily")
SHOP_HOURS = ("OPENING HOURS", "Mon - Fri 7:00 - 18:00", "Sat 8:00 - 16:00", "Sun Closed")
PLATE = "YK19 RMT"  # a UK number: two letters, the year (19), three letters
LETTER_HEAD = ("Riverside Community Library", "14 Church Road, Millbrook")
LETTER_DATE = "3 March 2025"
LETTER_BODY = (
    "Dear Member,",
    "",
    "The book you reserved, The Secret Garden, is now waiting for you at the front desk. We will keep it "
    "for seven days. Please bring your library card when you come to collect it.",
    "",
    "Our opening hours are Monday to Saturday, 9am to 5pm.",
    "",
    "Kind regards,",
    "Anna Clarke",
    "Library Assistant",
)


def font(package: str, name: str, size: int) -> ImageFont.FreeTypeFont:
    """A face of an engine font package by its file name (as installed, or from OCRFORGE_FONT_DIR)."""
    for face in load_faces("train"):
        if face.package == package and Path(face.path).name == name:
            return ImageFont.truetype(face.path, size)
    raise RuntimeError(f"{package}/{name} not installed: run scripts/install-fonts.sh")


def wrap(text: str, face: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Words of `text` in lines no wider than `width` pixels."""
    lines: list[str] = []
    for word in text.split():
        if lines and face.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def smooth_field(rng: Rng, h: int, w: int, cells: tuple[int, int]) -> np.ndarray:
    """A smooth random field in [0, 1] of (h, w): a grid of `cells` (rows, columns) blown up."""
    return np.clip(cv2.resize(rng.random(cells).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC), 0, 1)


def warp_onto(ground: np.ndarray, layer: np.ndarray, corners, alpha: np.ndarray | None = None) -> np.ndarray:
    """`layer` (h, w, 3) seen in perspective on `ground`, its corners at `corners` (clockwise from top-left)."""
    h, w = layer.shape[:2]
    size = (ground.shape[1], ground.shape[0])
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), np.float32(corners))
    seen = cv2.warpPerspective(layer.astype(np.float32), m, size, flags=cv2.INTER_AREA)
    cover = cv2.warpPerspective(np.ones((h, w), np.float32) if alpha is None else alpha.astype(np.float32), m, size)
    return ground * (1 - cover[..., None]) + seen * cover[..., None]


def light(shape: tuple[int, int], bright: tuple[float, float], fall: float) -> np.ndarray:
    """A light field (h, w): 1 at the point `bright` (fractions of w and h), down by `fall` across the image."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dist = np.hypot(xx / w - bright[0], yy / h - bright[1]) / np.sqrt(2)
    return 1.0 - fall * dist


def shadow(shape: tuple[int, int], a: tuple[float, float], b: tuple[float, float], depth: float, soft: float) -> np.ndarray:
    """A field (h, w) darkened by `depth` on the right of the line from `a` to `b` (fractions), edge blurred."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    side = ((b[0] - a[0]) * w * (yy - a[1] * h) - (b[1] - a[1]) * h * (xx - a[0] * w)) < 0
    return 1.0 - depth * cv2.GaussianBlur(side.astype(np.float32), (0, 0), soft)


def camera(img: np.ndarray, rng: Rng, blur: float, grain: float) -> np.ndarray:
    """A phone's optics and sensor: slight blur and noise."""
    img = cv2.GaussianBlur(img.astype(np.float32), (0, 0), blur)
    img = img + rng.normal(0, grain, img.shape[:2] + (1,)).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


def page_photo(rng: Rng) -> tuple[np.ndarray, list[str]]:
    """A printed page on a wooden table, photographed from above at an angle, a shadow across one corner."""
    sw, sh, margin = 1000, 1300, 90
    sheet = Image.new("RGB", (sw, sh), (247, 245, 239))
    draw = ImageDraw.Draw(sheet)
    title = font("fonts-liberation2", "LiberationSans-Bold.ttf", 50)
    body = font("fonts-liberation2", "LiberationSerif-Regular.ttf", 36)  # x-height about 14 px once photographed
    lines, y = [PAGE_TITLE], margin + 20
    draw.text((margin, y), PAGE_TITLE, font=title, fill=(25, 25, 30))
    y += 110
    for paragraph in PAGE_PARAGRAPHS:
        for line in wrap(paragraph, body, sw - 2 * margin):
            draw.text((margin, y), line, font=body, fill=(35, 33, 36))
            lines.append(line)
            y += 52
        y += 34
    draw.text((sw / 2 - 10, sh - margin), "4", font=body, fill=(35, 33, 36))  # the page number
    lines.append("4")

    w, h = 1200, 1600
    grain = smooth_field(rng, h, w, (90, 5)) * 0.6 + smooth_field(rng, h, w, (400, 12)) * 0.4  # along the boards
    table = np.float32([128, 86, 52])[None, None] * (0.75 + 0.45 * grain[..., None])
    for x in (300, 700, 1100):  # the gaps between boards
        table[:, x:x + 4] *= 0.55
    corners = [(175, 190), (1040, 150), (1125, 1450), (95, 1500)]
    image = warp_onto(table, np.asarray(sheet), corners)
    image *= (light((h, w), (0.3, 0.1), 0.35) * shadow((h, w), (0.0, 0.62), (0.55, 1.0), 0.35, 25))[..., None]
    return camera(image, rng, 0.8, 2.5), lines


def street_sign(rng: Rng) -> tuple[np.ndarray, list[str]]:
    """A green street name sign and a one-way sign on a pole against the sky and trees."""
    w, h = 1200, 900
    t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    image = np.float32([92, 148, 214]) * (1 - t) + np.float32([196, 218, 236]) * t
    image = np.broadcast_to(image, (h, w, 3)).copy()
    trees = (smooth_field(rng, h, w, (6, 16)) + 0.35 * smooth_field(rng, h, w, (40, 110))
             + np.linspace(-1.0, 0.7, h, dtype=np.float32)[:, None])
    leaves = (0.45 + 0.4 * smooth_field(rng, h, w, (12, 20)) + 0.3 * smooth_field(rng, h, w, (150, 200)))
    canopy = cv2.GaussianBlur((trees > 0.6).astype(np.float32), (0, 0), 2)[..., None]
    image = image * (1 - canopy) + leaves[..., None] * np.float32([58, 92, 46]) * canopy
    image = cv2.GaussianBlur(image, (0, 0), 2.5)  # far behind the sign: out of focus
    x0 = 585  # the pole: a grey cylinder
    pole = np.float32([150, 152, 150]) * (0.6 + 0.5 * np.sin(np.linspace(0, np.pi, 30)))[None, :, None]
    image[170:, x0:x0 + 30] = pole

    road = font("fonts-roadgeek", "RG2014D.ttf", 112)
    small = font("fonts-roadgeek", "RG2014D.ttf", 44)
    sign = Image.new("RGB", (720, 170), (0, 112, 74))
    draw = ImageDraw.Draw(sign)
    draw.rounded_rectangle((6, 6, 713, 163), radius=16, outline=(245, 245, 240), width=6)
    draw.text((40, 85), STREET[0], font=road, fill=(245, 245, 240), anchor="lm")
    draw.text((680, 85), STREET[1], font=small, fill=(245, 245, 240), anchor="rm")
    image = warp_onto(image, np.asarray(sign), [(250, 190), (945, 215), (940, 375), (252, 365)])

    arrow = Image.new("RGB", (560, 190), (20, 20, 22))
    draw = ImageDraw.Draw(arrow)
    draw.polygon([(30, 55), (400, 55), (400, 20), (530, 95), (400, 170), (400, 135), (30, 135)], fill=(245, 245, 240))
    draw.text((215, 95), ONE_WAY, font=font("fonts-roadgeek", "RG2014D.ttf", 66), fill=(20, 20, 22), anchor="mm")
    image = warp_onto(image, np.asarray(arrow), [(318, 440), (870, 452), (868, 632), (320, 622)])
    image *= light((h, w), (0.8, 0.0), 0.25)[..., None]
    return camera(image, rng, 0.7, 2.0), [" ".join(STREET), ONE_WAY]


def brick_wall(rng: Rng, h: int, w: int) -> np.ndarray:
    """Red-brown bricks in stretcher bond with pale mortar."""
    wall = np.empty((h, w, 3), np.float32)
    wall[:] = (196, 188, 172)  # mortar
    bh, bw = 34, 96
    for row, y in enumerate(range(0, h, bh)):
        for x in range(-(bw // 2) * (row % 2), w, bw):
            tone = np.float32([150, 72, 52]) * rng.uniform(0.8, 1.12) + rng.normal(0, 6, 3).astype(np.float32)
            wall[y + 3:y + bh - 2, max(x + 3, 0):max(x + bw - 2, 0)] = tone
    return wall * (0.88 + 0.2 * smooth_field(rng, h, w, (20, 30)))[..., None]


def shop_front(rng: Rng) -> tuple[np.ndarray, list[str]]:
    """A bakery seen from the pavement: the name on the fascia, words on the window, opening hours on the door."""
    fw, fh = 1500, 1050
    front = Image.fromarray(np.clip(brick_wall(rng, fh, fw), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(front)
    draw.rectangle((40, 60, fw - 40, 260), fill=(26, 68, 54), outline=(200, 170, 90), width=8)
    draw.text((fw / 2, 160), SHOP_NAME, font=font("fonts-crosextra-caladea", "Caladea-Bold.ttf", 120),
              fill=(236, 214, 150), anchor="mm")
    draw.rectangle((80, 320, 960, 1000), fill=(236, 232, 222))  # window frame
    glass = np.linspace(0, 1, 840, dtype=np.float32)[None, :, None]
    pane = np.float32([40, 52, 60]) * (1 - glass) + np.float32([92, 104, 110]) * glass
    pane = np.broadcast_to(pane, (640, 840, 3)).copy()
    yy, xx = np.mgrid[0:640, 0:840]
    pane[np.abs(xx - 0.8 * yy - 300) < 70] *= 1.35  # a reflection across the glass
    front.paste(Image.fromarray(np.clip(pane, 0, 255).astype(np.uint8)), (100, 340))
    window = font("fonts-open-sans", "OpenSans-Bold.ttf", 74)
    for i, line in enumerate(SHOP_WINDOW):
        draw.text((520, 560 + 100 * i), line, font=window, fill=(250, 250, 246), anchor="mm")
    draw.rectangle((1020, 300, 1440, 1050), fill=(90, 52, 34))  # the door
    draw.rectangle((1060, 340, 1400, 760), fill=(52, 62, 68))
    draw.rectangle((1075, 400, 1385, 640), fill=(250, 250, 247), outline=(40, 40, 40), width=3)  # the card
    hours = font("fonts-liberation2", "LiberationSans-Regular.ttf", 27)
    heading = font("fonts-liberation2", "LiberationSans-Bold.ttf", 31)
    draw.text((1230, 440), SHOP_HOURS[0], font=heading, fill=(20, 20, 20), anchor="mm")
    for i, line in enumerate(SHOP_HOURS[1:]):
        draw.text((1095, 495 + 48 * i), line, font=hours, fill=(20, 20, 20), anchor="lm")

    w, h = 1500, 1100
    ground = np.empty((h, w, 3), np.float32)
    ground[:] = (120, 118, 115)  # the pavement
    ground[:40] = (175, 195, 215)
    image = warp_onto(ground, np.asarray(front), [(30, 30), (1480, 90), (1470, 1040), (40, 1100)])
    image *= (light((h, w), (0.1, 0.2), 0.3) * shadow((h, w), (0.0, 0.3), (1.0, 0.05), 0.18, 30))[..., None]
    return camera(image, rng, 0.7, 2.5), [SHOP_NAME, *SHOP_WINDOW, *SHOP_HOURS]


def uk_plate(text: str, height: int) -> np.ndarray:
    """A UK rear plate face-on: yellow, a thin black border, the number in the plate face."""
    width = int(height * 4.7)
    plate = Image.new("RGB", (width, height), (248, 204, 26))
    draw = ImageDraw.Draw(plate)
    draw.rounded_rectangle((2, 2, width - 3, height - 3), radius=height // 10, outline=(20, 20, 22), width=3)
    size = height
    while True:
        face = font("fonts-tiresias", "tiresias_lpfont_bold.ttf", size)
        left, top, right, bottom = face.getbbox(text)
        if right - left <= width * 0.88 and bottom - top <= height * 0.7:
            break
        size -= 1
    draw.text((width / 2, height / 2), text, font=face, fill=(20, 20, 22), anchor="mm")
    return np.asarray(plate)


def car_plate(rng: Rng) -> tuple[np.ndarray, list[str]]:
    """The back of a parked car, its yellow UK plate on the boot, a wall and the road around it."""
    w, h = 1280, 960
    image = np.empty((h, w, 3), np.float32)
    image[:] = (178, 170, 156)
    image *= (0.85 + 0.25 * smooth_field(rng, h, w, (6, 8)))[..., None]
    image[560:] = np.float32([78, 78, 82]) * (0.9 + 0.2 * smooth_field(rng, h - 560, w, (40, 60)))[..., None]
    canvas = Image.fromarray(np.clip(image, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((230, 800, 1050, 880), fill=(40, 40, 42))  # its shadow
    for x in (300, 880):  # tyres
        draw.rounded_rectangle((x, 720, x + 100, 850), radius=20, fill=(22, 22, 24))
    draw.rounded_rectangle((260, 300, 1020, 820), radius=70, fill=(28, 58, 112))  # the body
    draw.rounded_rectangle((262, 532, 1018, 540), radius=4, fill=(52, 86, 142))  # a crease catching the light
    draw.rectangle((262, 640, 1018, 740), fill=(24, 50, 98))  # the lower half, in its own shade
    draw.polygon([(350, 320), (930, 320), (880, 520), (400, 520)], fill=(34, 38, 46))  # rear window
    draw.polygon([(370, 335), (520, 335), (450, 505), (410, 505)], fill=(70, 78, 92))  # glare on it
    for x in (285, 880):
        draw.rounded_rectangle((x, 545, x + 115, 610), radius=12, fill=(196, 24, 30))  # lights
    draw.rounded_rectangle((255, 740, 1025, 810), radius=20, fill=(30, 30, 34))  # bumper
    draw.text((640, 580), "VOLANTE", font=font("fonts-liberation2", "LiberationSans-Bold.ttf", 22),
              fill=(190, 195, 205), anchor="mm")  # the model's badge
    image = np.asarray(canvas).astype(np.float32)
    plate = uk_plate(PLATE, 56)
    ph, pw = plate.shape[:2]
    x0, y0 = 640 - pw / 2, 640
    image = warp_onto(image, plate, [(x0, y0), (x0 + pw, y0 + 3), (x0 + pw - 2, y0 + ph + 3), (x0 + 1, y0 + ph)])
    image *= light((h, w), (0.5, 0.0), 0.3)[..., None]
    rotate = cv2.getRotationMatrix2D((w / 2, h / 2), 1.5, 1.03)  # the camera held a little askew
    image = cv2.warpAffine(image, rotate, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    return camera(image, rng, 0.8, 2.5), ["VOLANTE", PLATE]


def scanned_letter(rng: Rng) -> tuple[np.ndarray, list[str]]:
    """A short typed letter on a flatbed scanner: grey, a touch skewed, the lid's shadow at one edge."""
    w, h, margin = 1100, 1420, 110
    page = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(page)
    bold = font("fonts-liberation2", "LiberationSerif-Bold.ttf", 40)
    body = font("fonts-liberation2", "LiberationSerif-Regular.ttf", 30)  # 12 pt at 180 dpi
    draw.text((margin, margin), LETTER_HEAD[0], font=bold, fill=0)
    draw.text((margin, margin + 58), LETTER_HEAD[1], font=body, fill=0)
    draw.line((margin, margin + 112, w - margin, margin + 112), fill=0, width=2)
    draw.text((w - margin, margin + 170), LETTER_DATE, font=body, fill=0, anchor="ra")
    lines, y = [*LETTER_HEAD, LETTER_DATE], margin + 260
    for paragraph in LETTER_BODY:
        for line in wrap(paragraph, body, w - 2 * margin) if paragraph else []:
            draw.text((margin, y), line, font=body, fill=0)
            lines.append(line)
            y += 46
        y += 0 if paragraph else 24
    ink = np.asarray(page, np.float32) / 255.0
    ink = cv2.warpAffine(ink, cv2.getRotationMatrix2D((w / 2, h / 2), -0.8, 1.0), (w, h), borderValue=1.0)
    ink = cv2.GaussianBlur(ink, (0, 0), 0.7)
    paper = 236 + 10 * smooth_field(rng, h, w, (4, 3))
    paper[:, :18] *= np.linspace(0.55, 1, 18, dtype=np.float32)[None]  # the lid's shadow
    image = 32 + (paper - 32) * ink
    return np.clip(np.round(image), 0, 255).astype(np.uint8), lines


EXAMPLES = {  # file name -> what draws it
    "page_photo.jpg": page_photo,
    "street_sign.jpg": street_sign,
    "shop_front.jpg": shop_front,
    "car_plate.jpg": car_plate,
    "scanned_letter.png": scanned_letter,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "examples", help="folder for photos/ and expected.json")
    args = parser.parse_args()
    photos = args.out / "photos"
    photos.mkdir(parents=True, exist_ok=True)
    expected = {}
    for i, (name, draw) in enumerate(EXAMPLES.items()):
        image, lines = draw(np.random.default_rng([SEED, i]))
        path = photos / name
        if path.suffix == ".png":
            Image.fromarray(image).save(path, optimize=True)
        else:
            Image.fromarray(image).save(path, quality=82, optimize=True)
        expected[name] = "\n".join(lines)
        print(f"{path}  {image.shape[1]}x{image.shape[0]}  {path.stat().st_size // 1024} KiB")
    plates = {"car_plate.jpg": PLATE}
    (args.out / "expected.json").write_text(json.dumps({"read": expected, "plate": plates}, indent=2) + "\n")


if __name__ == "__main__":
    main()
