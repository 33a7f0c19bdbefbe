"""Images the user saves (the Gantt chart, the dashboard) as PNG files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage, QPixmap

from ..domain.errors import UserError
from ..saving import save_file


def save_png(image: QImage | QPixmap, out: Path) -> Path:
    """Write ``image`` to ``out`` as PNG, replacing an existing file only once it is complete.

    The image is encoded in memory and written by Python, not by Qt's file writer: a failure
    (a full disk, a read-only folder, a file held open) then comes with its reason, in Chinese,
    instead of a bare "could not save".
    """
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise UserError(
            f"无法生成图片「{Path(out).name}」：图片过大或内存不足。请缩小范围或改为导出 PDF。"
        )
    buffer.close()
    encoded = data.data()
    return save_file(Path(out), lambda part: part.write_bytes(encoded), kind="PNG")
