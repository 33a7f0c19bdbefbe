"""Draw the application icon (resources/icons/app.png and app.ico) with Pillow.

A blue rounded square with two linked rings (成、德) — run once when the design changes.
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"


def draw(size: int = 256) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    r = size // 6
    d.rounded_rectangle((0, 0, size - 1, size - 1), radius=r, fill=(26, 115, 232, 255))
    w = size // 14
    d.ellipse((size * 0.16, size * 0.28, size * 0.60, size * 0.72), outline="white", width=w)
    d.ellipse(
        (size * 0.40, size * 0.28, size * 0.84, size * 0.72), outline=(255, 214, 0, 255), width=w
    )
    # A progress bar under the rings: the register's purpose.
    d.rounded_rectangle(
        (size * 0.16, size * 0.80, size * 0.84, size * 0.87),
        radius=w // 2,
        fill=(255, 255, 255, 120),
    )
    d.rounded_rectangle(
        (size * 0.16, size * 0.80, size * 0.62, size * 0.87), radius=w // 2, fill="white"
    )
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    img = draw()
    img.save(OUT / "app.png")
    img.save(
        OUT / "app.ico",
        sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)],
    )


if __name__ == "__main__":
    main()
