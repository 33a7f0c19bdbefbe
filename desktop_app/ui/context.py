"""The application context passed to every window and view (no global singleton).

It holds the open store, the undo stack and the settings, and broadcasts what each operation
changed (``changed``) so that views reload what they show.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QUndoStack

from ..domain.period import Period
from ..domain.status import StatusRules
from ..services import monitoring
from ..services.changes import Changes
from ..services.monitoring import ProjectStatus, project_statuses
from ..store import Store


class AppContext(QObject):
    changed = Signal(object)  # Changes
    edit_project_requested = Signal(str)  # project id: the main window opens the editor
    show_projects_requested = Signal(object)  # a dict of register filters (from dashboard clicks)
    show_tasks_requested = Signal(object)  # a dict of 重点任务 filters ({"unassigned": True})
    error_reported = Signal(object)  # a UserError from an operation nobody waits on (undo, redo)
    # A step 首页 suggests ("issue_templates", "import_register", "import_returns"): the main
    # window opens the page that does it.
    action_requested = Signal(str)

    def __init__(
        self, store: Store, settings: QSettings | None = None, *, today: date | None = None
    ):
        super().__init__()
        self.store = store
        self.settings = settings or QSettings()
        self.undo_stack = QUndoStack(self)
        self._today = today
        # The one register model shared by 项目库 and 甘特图 (set by the main window).
        self.register_model = None

    def report_error(self, exc) -> None:
        """Show a UserError raised where no dialog waits for it (an undo that was refused)."""
        self.error_reported.emit(exc)

    def keep_backups(self) -> int:
        """How many automatic backups to keep (设置 → 备份)."""
        try:
            return max(1, int(self.settings.value("backup/keep", 10)))
        except (TypeError, ValueError):
            return 10

    def today(self) -> date:
        """The date status is judged on (fixed in tests and screenshots)."""
        return self._today or date.today()

    def status_rules(self) -> StatusRules:
        return StatusRules.from_dict(self.store.get_setting("status_rules", {}) or {})

    def period_kind(self) -> str:
        return str(self.store.get_setting("period_kind", "month"))

    def current_period(self) -> Period:
        """The period the office works on: the last month (or quarter) that has ended."""
        return monitoring.current_period(self.store, self.today())

    def status_period(self) -> Period:
        """The period whose missing report turns a light yellow (once its due date has passed)."""
        return monitoring.status_period(self.store, self.today())

    def project_statuses(self) -> list[ProjectStatus]:
        """Every project with its light today.

        The register model's copy when there is one (loaded once, kept current by ``changed``,
        which reaches the model before any page), so that 首页 and 督办预警 do not read and hold
        10,000 projects a second and a third time.
        """
        if self.register_model is not None:
            return self.register_model.project_statuses()
        return project_statuses(
            self.store, self.today(), rules=self.status_rules(), period=self.current_period().key
        )

    def loaded_project_statuses(self) -> list[ProjectStatus] | None:
        """The register model's projects with their lights today, when the window has loaded
        them (None otherwise): a view that would read and judge every project again (in a
        worker, say) takes these instead of holding a second copy."""
        if self.register_model is None:
            return None
        return self.register_model.project_statuses()

    def notify(self, changes: Changes) -> None:
        self.changed.emit(changes)

    def replace_store(self, store: Store) -> None:
        """Another database was opened (or a backup restored): every view reloads."""
        old = self.store
        self.store = store
        self.undo_stack.clear()
        if old is not store:
            old.close()
        self.notify(Changes.everything())
