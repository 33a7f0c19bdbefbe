"""Item-data roles shared by the register model, the Gantt chart and the other project views.

The register model (``ui/register/model.py``) is a flat table whose rows are either a group
header (when grouped by 专栏 / 区县 / 牵头单位 / 阶段) or a project. Every view that shows project
rows reads them through these roles, never through the model's internals.
"""

from PySide6.QtCore import Qt

ProjectRole = Qt.UserRole + 1  # domain.model.Project for a project row; None for a group row
GroupRole = (
    Qt.UserRole + 2
)  # a GroupRow (key, label, project ids, summary) for a group row; None otherwise
StatusRole = Qt.UserRole + 3  # domain.status.Status of a project row
SortRole = Qt.UserRole + 4  # a value that sorts correctly (dates as ISO text, numbers as float)
ProjectIdRole = Qt.UserRole + 5  # the project's id (str) for a project row
