"""Finds the IPAex Japanese fonts installed from Debian's fonts-ipaexfont-gothic / -mincho packages."""

from __future__ import annotations

import os
from pathlib import Path

# Where Debian puts them, then the alternatives links fonts-japanese-* that the packages register.
FONT_FILES = {"gothic": "ipaexg.ttf", "mincho": "ipaexm.ttf"}
SEARCH_DIRS = (
    Path("/usr/share/fonts/opentype/ipaexfont-gothic"),
    Path("/usr/share/fonts/opentype/ipaexfont-mincho"),
    Path("/usr/share/fonts/truetype/ipaexfont"),
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
)
ALIASES = {"gothic": "fonts-japanese-gothic.ttf", "mincho": "fonts-japanese-mincho.ttf"}
ENV = "KYODO_JAPANESE_FONT"  # a .ttf to use instead (e.g. on a machine without the Debian packages)


class FontNotFound(RuntimeError):
    """No Japanese font: documents cannot be written."""


def japanese_font(kind: str = "gothic") -> Path:
    """Path of the IPAex font (gothic or mincho). Raises FontNotFound with what to install."""
    if kind not in FONT_FILES:
        raise ValueError(f"unknown font kind: {kind!r}")
    override = os.environ.get(ENV)
    if override:
        if Path(override).is_file():
            return Path(override)
        raise FontNotFound(f"環境変数 {ENV} のフォント「{override}」がありません")
    name = FONT_FILES[kind]
    for directory in SEARCH_DIRS[:3]:
        if (directory / name).is_file():
            return directory / name
    alias = Path("/usr/share/fonts/truetype") / ALIASES[kind]
    if alias.is_file() and alias.resolve().name == name:
        return alias
    for directory in SEARCH_DIRS[3:]:
        if directory.is_dir():
            found = sorted(directory.rglob(name))
            if found:
                return found[0]
    package = f"fonts-ipaexfont-{kind}"
    raise FontNotFound(
        f"日本語フォント {name} が見つかりません。scripts/bootstrap.sh を実行するか、"
        f"root で `apt-get install {package}` を実行してください(または環境変数 {ENV} に .ttf を指定)"
    )
