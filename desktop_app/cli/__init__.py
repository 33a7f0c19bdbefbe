"""Command-line front end (``desktop-app-cli``) over the same services the windows use.

Each command group lives in its own module with a ``register(subparsers)`` function; errors a
user can fix are printed in Chinese on stderr with exit code 1 (2 for a usage error).
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from ..domain.errors import UserError
from . import (
    annual,
    assessment,
    change_requests,
    core,
    exchange,
    monitoring,
    plans,
    proposals,
    reports,
)

# Modules that add commands; each has register(subparsers).
COMMAND_MODULES = [
    core,
    exchange,
    monitoring,
    reports,
    proposals,
    change_requests,
    assessment,
    plans,
    annual,
]


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: ANN001 (argparse's)
        # "" (not None) when argparse builds a command's name from the main usage line.
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


# argparse's own messages, in Chinese (the commands' help is written in Chinese already).
_MESSAGES = [
    (re.compile(r"the following arguments are required: (.+)"), r"缺少必填的参数：\1"),
    (
        re.compile(r"argument (\S+): invalid choice: '?(.*?)'? \(choose from (.+)\)"),
        r"\1 的值「\2」不在可选范围内，可选：\3",
    ),
    (re.compile(r"argument (\S+): invalid (?:int|float) value: '(.*)'"), r"\1 的值「\2」不是数字"),
    (re.compile(r"argument (\S+): expected one argument"), r"\1 后面缺少值"),
    (re.compile(r"unrecognized arguments: (.+)"), r"无法识别的参数：\1"),
    (re.compile(r"argument (\S+): (.+)"), r"\1：\2"),
]


class _Parser(argparse.ArgumentParser):
    """argparse speaking Chinese (usage, headings, errors), exit code 2 on usage errors."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助后退出"
        )

    def error(self, message: str) -> None:  # pragma: no cover - exercised through main()
        for pattern, chinese in _MESSAGES:
            if pattern.search(message):
                message = pattern.sub(chinese, message, count=1)
                break
        self.print_usage(sys.stderr)
        print(f"用法错误：{message}。请用 -h 查看用法。", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="desktop-app-cli", description="成德同城化重大项目管理（命令行）")
    parser.add_argument("--db", metavar="PATH", help="数据库文件（默认：用户文档文件夹中的数据库）")
    parser.add_argument(
        "--plan",
        metavar="ID",
        help="使用哪个规划的项目、任务和指标（序号、编号或起始年份；默认当前规划，见 plan list）",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, title="命令"
    )
    sub.required = True
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_console()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return exc.exit_code
    except sqlite3.DatabaseError as exc:  # found mid-command: a damaged file, a full disk …
        from ..store.database import translate_error

        error = translate_error(exc, Path(args.db) if args.db else None)
        print(f"错误：{error.message}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into head, less …
        sys.stderr.close()
        return 0
    except OSError as exc:  # a path the system refuses outright (a name too long, say)
        from ..domain.errors import os_reason

        where = f"「{exc.filename}」" if exc.filename else "文件"
        print(f"错误：无法访问{where}：{os_reason(exc)}。请检查给出的路径。", file=sys.stderr)
        return 2


def _utf8_console() -> None:
    # Windows consoles default to a legacy code page; Chinese output must not crash.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[attr-defined]
        except (AttributeError, ValueError):
            pass
