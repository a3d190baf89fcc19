import struct

from charts import Tile, render_dashboard

PNG = b"\x89PNG\r\n\x1a\n"


def header(png: bytes) -> tuple[int, int, int]:
    width, height, _, colour_type = struct.unpack(">IIBB", png[16:26])
    return width, height, colour_type


def tiles(n: int) -> list[Tile]:
    return [
        Tile(f"ind-{i} — Résolution", "67,96\u202f%", "warning", "vigilance", [1.0, 2.0, float(i)], "↗")
        for i in range(n)
    ]


def test_palette_png_of_the_expected_size() -> None:
    png = render_dashboard(tiles(24), title="Tableau de bord", columns=3)
    assert png.startswith(PNG)
    width, height, colour_type = header(png)
    assert (width, height) == (900, int(8 * 155 + 55)) and colour_type == 3  # 3 = palette
    assert len(png) < 100 * 1024


def test_empty_and_odd_inputs() -> None:
    assert render_dashboard([], title="Tableau de bord", empty_text="Aucun indicateur").startswith(PNG)
    odd = [
        Tile("x", "—", "none", "sans seuil", []),
        Tile("y", "1", "alert", "alerte", [float("nan"), 1.0, 1.0]),
    ]
    assert render_dashboard(odd, title="$ titre $ avec dollars").startswith(PNG)
