"""The main window: the project register over the open database."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QMainWindow, QTableView

from .. import APP_NAME
from ..domain.fields import MISSING
from ..domain.model import Project
from ..domain.money import format_wan
from ..store import Store
from ..store.projects import list_projects

_COLUMNS = (
    ("项目编码", lambda p: p.code),
    ("项目名称", lambda p: p.name),
    ("专栏", lambda p: f"专栏{p.column}" if p.column else None),
    ("类别", lambda p: p.category),
    ("建设阶段", lambda p: p.stage),
    ("所在区县", lambda p: p.district),
    ("牵头单位", lambda p: p.lead_unit),
    ("总投资（万元）", lambda p: format_wan(p.total_investment) or None),
    ("计划开工", lambda p: p.planned_start.isoformat() if p.planned_start else None),
    ("计划完工", lambda p: p.planned_end.isoformat() if p.planned_end else None),
)


class ProjectTableModel(QAbstractTableModel):
    def __init__(self, projects: list[Project]):
        super().__init__()
        self._rows = [[get(p) for _, get in _COLUMNS] for p in projects]

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(_COLUMNS)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if role == Qt.DisplayRole:
            return self._rows[index.row()][index.column()] or MISSING
        if role == Qt.ForegroundRole and self._rows[index.row()][index.column()] is None:
            return QColor("#9AA0A6")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return _COLUMNS[section][0]
        return None


class MainWindow(QMainWindow):
    def __init__(self, store: Store):
        super().__init__()
        self.store = store
        self.setWindowTitle(f"{APP_NAME} — {store.path}")
        self.table = QTableView()
        self.table.setModel(ProjectTableModel(list_projects(store)))
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(1, 320)
        self.setCentralWidget(self.table)
        self.statusBar().addWidget(QLabel(f"数据库：{store.path}"))
        self.statusBar().addPermanentWidget(QLabel(f"项目 {self.table.model().rowCount()} 个"))
        self.resize(1280, 760)
