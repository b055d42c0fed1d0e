"""Backup and restore of the whole platform: the database and the files kept beside it (recordings, attachments).

A backup is one `.tar` file:
- `manifest.json` — when, which database, and the row count of every table (checked again after a restore);
- `database.sqlite3` (SQLite's online backup API: consistent while the server runs) or `database.pgdump`
  (`pg_dump --format=custom` for PostgreSQL);
- `files/…` — everything under the data folder (`KYODO_DATA_DIR`) except the database itself, static files and
  temporary files: uploaded recordings and any other app's stored files.
The archive is written to a temporary file beside the target and renamed when complete, so a failed backup never
leaves a file that looks like one.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection

from kyodo.tables import write_atomic

FORMAT = "kyodo-backup-1"
_SKIP_SUFFIXES = (".sqlite3", ".sqlite3-wal", ".sqlite3-shm", ".sqlite3-journal", ".tmp")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is Japanese, for the operator."""


def table_counts() -> dict[str, int]:
    """Rows per table of every installed model (the check a restore must pass)."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = int(cursor.fetchone()[0])
    return dict(sorted(counts.items()))


def _data_files() -> Iterator[Path]:
    root = Path(settings.DATA_DIR)
    static = Path(settings.STATIC_ROOT)
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.endswith(_SKIP_SUFFIXES) and static not in path.parents:
            yield path


def _dump_database(folder: Path) -> Path:
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        source = connection.connection
        with sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
        return target
    if connection.vendor == "postgresql":
        target = folder / "database.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), _pg_url()])
        return target
    raise BackupError(f"このデータベース({connection.vendor})のバックアップには対応していません")


def _pg_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or ""
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgresql://{auth}{s.get('HOST') or 'localhost'}{port}/{s['NAME']}"


def _run(argv: list[str]) -> None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=3600, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"{argv[0]} が見つかりません(PostgreSQL のクライアントを入れてください)") from exc
    if done.returncode != 0:
        raise BackupError(f"{argv[0]} が失敗しました: {done.stderr.strip()[:500]}")


def backup(target: Path) -> dict[str, Any]:
    """Write the backup archive to `target`; returns its manifest."""
    if target.is_dir():
        raise BackupError(f"{target} はフォルダーです。バックアップのファイル名を指定してください")
    manifest: dict[str, Any] = {
        "format": FORMAT, "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "vendor": connection.vendor, "tables": table_counts(), "files": [],
    }
    root = Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory(prefix="kyodo-backup-") as scratch:
        dump = _dump_database(Path(scratch))

        def write(tmp: Path) -> None:
            with tarfile.open(tmp, "w") as tar:
                tar.add(dump, arcname=dump.name)
                for path in _data_files():
                    name = path.relative_to(root).as_posix()
                    manifest["files"].append(name)
                    tar.add(path, arcname=f"files/{name}")
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))

        write_atomic(target, write)
    return manifest


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = tar.getmembers()
    for m in members:
        if not (m.isfile() or m.isdir()) or m.name.startswith("/") or ".." in Path(m.name).parts:
            raise BackupError(f"バックアップに不正な項目があります: {m.name}")
    return members


def read_manifest(source: Path) -> dict[str, Any]:
    try:
        with tarfile.open(source, "r") as tar:
            _safe_members(tar)
            handle = tar.extractfile("manifest.json")
            if handle is None:
                raise KeyError("manifest.json")
            manifest: dict[str, Any] = json.loads(handle.read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(f"{source.name} は Kyodo のバックアップとして読めません({type(exc).__name__})") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source.name} は Kyodo のバックアップではありません(形式 {manifest.get('format')!r})")
    return manifest


def restore(source: Path) -> dict[str, Any]:
    """Replace the database and the data files with the backup's; returns its manifest after checking the counts."""
    manifest = read_manifest(source)
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"{manifest['vendor']} のバックアップは {connection.vendor} には戻せません")
    with tempfile.TemporaryDirectory(prefix="kyodo-restore-") as scratch, tarfile.open(source, "r") as tar:
        folder = Path(scratch)
        tar.extractall(folder, members=_safe_members(tar), filter="data")
        _load_database(folder)
        _restore_files(folder / "files", manifest["files"])
    now = table_counts()
    wrong = {t: (n, now.get(t)) for t, n in manifest["tables"].items() if now.get(t) != n}
    if wrong:
        raise BackupError(f"戻した後の件数がバックアップと違います: {wrong}")
    return manifest


def _load_database(folder: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(folder / "database.sqlite3") as copy:
            copy.backup(connection.connection)
        copy.close()
        return
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", _pg_url(),
          str(folder / "database.pgdump")])


def _restore_files(folder: Path, names: list[str]) -> None:
    root = Path(settings.DATA_DIR)
    keep = set(names)
    for path in list(_data_files()):  # files made since the backup go; the backup's come back
        if path.relative_to(root).as_posix() not in keep:
            path.unlink()
    for name in names:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / name, target)
        os.utime(target)
