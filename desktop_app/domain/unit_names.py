"""How a unit's name may be written: full-width or half-width, with any kind of dash or space,
with the city in front (德阳市交通运输局) or without, in a long or a short form (发展和改革委员会 /
发展改革委 / 发改委). One function, used wherever a typed unit name is looked up."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Dashes, dots, spaces and brackets people type between the parts of a name, in any width.
_NOISE = re.compile(r"[\s\-‐‑‒–—―－·•・.。,，、'\"“”‘’()（）\[\]【】]")
# Long forms and the short forms units use for them (each pair: long, short).
_SHORTER = (
    ("发展和改革委员会", "发展改革委"),
    ("发展和改革局", "发展改革局"),
    ("发展改革委", "发改委"),
    ("发展改革局", "发改局"),
    ("住房和城乡建设局", "住房城乡建设局"),
    ("住房城乡建设局", "住建局"),
    ("卫生健康委员会", "卫生健康委"),
    ("卫生健康委", "卫健委"),
    ("经济和信息化局", "经信局"),
    ("自然资源和规划局", "自然资源局"),
    ("交通运输局", "交通局"),
    ("管理委员会", "管委会"),
    ("经济技术开发区", "经开区"),
    ("经济开发区", "经开区"),
    ("高新技术产业开发区", "高新区"),
)
_CITY = ("四川省德阳市", "德阳市")


def unit_key(name: object) -> str:
    """A unit name reduced to what tells units apart: NFKC (full-width to half-width), without
    spaces, dashes, dots and brackets. 「德阳－阿坝生态经济产业园区」 and 「德阳-阿坝 生态经济产业园区」
    give the same key."""
    if name is None:
        return ""
    return _NOISE.sub("", unicodedata.normalize("NFKC", str(name)))


def unit_keys(name: object) -> set[str]:
    """Every key a unit's name may be typed under: as written, with long forms shortened and
    without the city written out in front (德阳市交通运输局 → 市交通运输局, 交通运输局, 市交通局 …)."""
    first = unit_key(name)
    if not first:
        return set()
    keys = {first}
    for city in _CITY:
        if first.startswith(city) and len(first) > len(city):
            rest = first[len(city) :]
            keys |= {"市" + rest, rest}
    if first.startswith("市") and len(first) > 2:
        keys.add(first[1:])
    changed = True
    while changed:
        changed = False
        for key in list(keys):
            for long, short in _SHORTER:
                if long in key:
                    shorter = key.replace(long, short)
                    if shorter not in keys:
                        keys.add(shorter)
                        changed = True
    return keys


class UnitNames:
    """Units found by any form of their name or short name. A form shared by two units (e.g.
    经开区 for two 经济开发区) names neither: the user is asked for the full name."""

    def __init__(self, units: Iterable) -> None:
        self._exact: dict[str, object] = {}
        self._loose: dict[str, object] = {}
        shared: set[str] = set()
        for unit in units:
            for text in (unit.name, getattr(unit, "short_name", None)):
                if not text:
                    continue
                self._exact.setdefault(text, unit)
                for key in unit_keys(text):
                    other = self._loose.setdefault(key, unit)
                    if other is not unit and getattr(other, "id", other) != getattr(
                        unit, "id", unit
                    ):
                        shared.add(key)
        for key in shared:
            del self._loose[key]

    def find(self, typed: object):
        """The unit ``typed`` names, or ``None``."""
        if typed is None:
            return None
        text = str(typed).strip()
        if text in self._exact:
            return self._exact[text]
        for key in sorted(unit_keys(text), key=len, reverse=True):
            if key in self._loose:
                return self._loose[key]
        return None
