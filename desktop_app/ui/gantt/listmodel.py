"""The Gantt page's left-hand list: the register model's rows, as two cheap columns.

The rows are exactly the shared register model's (same filters, grouping, collapsed groups, the
same row numbers, so selections map one to one); the texts come from the chart's precomputed
layout. A scroll frame then asks Python for a few hundred precomputed strings instead of
formatting every role of every cell again, which keeps scrolling 10,000 rows under a frame.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap

from ..roles import GroupRole, ProjectIdRole, ProjectRole, StatusRole
from .interaction import tooltip_text
from .rows import RowLayout

HEADERS = ("项目编码", "项目名称")
_FLAGS = Qt.ItemIsEnabled | Qt.ItemIsSelectable
_DISPLAY, _DECORATION, _FONT, _BACKGROUND, _TOOLTIP = (
    Qt.DisplayRole,
    Qt.DecorationRole,
    Qt.FontRole,
    Qt.BackgroundRole,
    Qt.ToolTipRole,
)


def _dot(color: str) -> QIcon:
    pix = QPixmap(12, 12)
    pix.fill(Qt.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.Antialiasing)
    p.setBrush(QColor(color))
    p.setPen(Qt.NoPen)
    p.drawEllipse(1, 1, 10, 10)
    p.end()
    return QIcon(pix)


class GanttListModel(QAbstractTableModel):
    """编码 / 名称 of each row of the chart's layout (which mirrors the register model)."""

    def __init__(self, chart, parent=None):
        super().__init__(parent)
        self.chart = chart
        self._texts: list[tuple[str, str]] = []
        self._group: list[bool] = []
        self._icons: list[QIcon | None] = []
        self._icon_cache: dict[str, QIcon] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._group_bg = QBrush(QColor("#EEF1F5"))
        chart.layoutRebuilt.connect(self._rebuild)
        self._rebuild()

    def _rebuild(self) -> None:
        self.beginResetModel()
        layout: RowLayout = self.chart.layout_
        texts, group, icons = [], [], []
        for r in layout.rows:
            if r.kind == "group":
                texts.append((("▸ " if r.collapsed else "▾ ") + f"{r.count} 项", r.label))
                group.append(True)
                icons.append(None)
            else:
                p = r.project
                texts.append((p.code, p.name))
                group.append(False)
                icon = self._icon_cache.get(r.color)
                if icon is None:
                    icon = self._icon_cache[r.color] = _dot(r.color)
                icons.append(icon)
        self._texts, self._group, self._icons = texts, group, icons
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._texts)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 2

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        # the most frequent roles first, and an early None for the rest: this runs per cell
        if role == _DISPLAY:
            return self._texts[index.row()][index.column()]
        row = index.row()
        if role == _DECORATION:
            return self._icons[row] if index.column() == 0 else None
        if role == _FONT:
            return self._bold if self._group[row] else None
        if role == _BACKGROUND:
            return self._group_bg if self._group[row] else None
        if role == _TOOLTIP:
            return tooltip_text(self.chart.layout_.rows[row])
        if role in (ProjectRole, ProjectIdRole, StatusRole, GroupRole):
            info = self.chart.layout_.rows[row]
            if role == ProjectRole:
                return info.project
            if role == ProjectIdRole:
                return info.project.id if info.project else None
            if role == StatusRole:
                return info.status
            model = self.chart.model()
            return model.group_at(row) if hasattr(model, "group_at") else None
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlags:
        return _FLAGS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole):
        if role == _DISPLAY and orientation == Qt.Horizontal:
            return HEADERS[section]
        return None
