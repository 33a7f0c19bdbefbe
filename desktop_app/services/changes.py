"""What an operation changed, so that each view can decide for itself what to reload."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    projects: frozenset[str] = field(default_factory=frozenset)  # ids of changed projects
    all_projects: bool = False  # many or unknown projects changed: reload the register
    units: bool = False
    reports: bool = False  # progress reports / import batches / templates
    indicators: bool = False
    supervision: bool = False
    schedule: bool = False  # baselines and dependencies
    database: bool = False  # another file opened or restored: reload everything
    tasks: bool = False  # 重点任务 and their units

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.projects | other.projects,
            self.all_projects or other.all_projects,
            self.units or other.units,
            self.reports or other.reports,
            self.indicators or other.indicators,
            self.supervision or other.supervision,
            self.schedule or other.schedule,
            self.database or other.database,
            self.tasks or other.tasks,
        )

    @property
    def touches_projects(self) -> bool:
        return bool(self.projects) or self.all_projects or self.database

    @classmethod
    def everything(cls) -> Changes:
        return cls(
            all_projects=True,
            units=True,
            reports=True,
            indicators=True,
            supervision=True,
            schedule=True,
            database=True,
            tasks=True,
        )
