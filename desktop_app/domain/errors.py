"""Errors meant for a person: each says in Chinese what is wrong, where, and what to do."""

from __future__ import annotations


class UserError(Exception):
    """A mistake in what the user asked for or typed; shown as-is, never with a traceback."""

    exit_code = 1

    def __init__(self, message: str, *, field: str | None = None, where: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.where = where

    def __str__(self) -> str:
        return self.message


class ValidationError(UserError):
    """One or more field values are not acceptable; ``problems`` maps field -> reason."""

    def __init__(self, problems: dict[str, str], *, subject: str = ""):
        self.problems = dict(problems)
        lines = [f"{reason}" for reason in self.problems.values()]
        prefix = f"{subject}：" if subject else ""
        super().__init__(prefix + "；".join(lines))


class ConflictError(UserError):
    """The row changed since the user loaded it (another person or process saved first)."""


class NotFoundError(UserError):
    """A named project, unit or file does not exist."""


_OS_REASONS = {
    "EACCES": "没有写入权限，或文件正被其他程序（如 Excel、WPS）打开",
    "EPERM": "没有写入权限，或文件正被其他程序（如 Excel、WPS）打开",
    "EEXIST": "同名的文件已存在",
    "ENOTDIR": "路径中有一段是文件而不是文件夹",
    "EISDIR": "这是一个文件夹",
    "ENOENT": "路径不存在",
    "ENOSPC": "磁盘空间不足",
    "EDQUOT": "磁盘配额已满",
    "EROFS": "磁盘或文件夹为只读",
    "ENAMETOOLONG": "路径过长",
    "EINVAL": "文件名中有不允许的字符",
}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in Chinese (the system's own text only when unknown)."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    return _OS_REASONS.get(name) or f"系统错误（{exc.strerror or exc}）"
