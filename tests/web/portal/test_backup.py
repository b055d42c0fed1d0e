"""Backup → change → restore gives back the same rows, the same stored run results and the same files."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kyodo.web.backup import table_counts
from kyodo.web.hoiku.models import Run, RunChild

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_backup_restores_rows_results_and_files(done_run, tmp_path, settings):
    settings.DATA_DIR = tmp_path / "data"
    stored = tmp_path / "data" / "gijiroku" / "131083" / "meeting-1.wav"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"RIFF....WAVE")
    def stored_result(run: Run) -> tuple[bytes, bytes, object]:
        return bytes(run.result_json), bytes(run.workbook), run.summary

    result_before = stored_result(Run.objects.for_org(done_run.organisation_id).get(pk=done_run.pk))
    counts_before = table_counts()
    archive = tmp_path / "kyodo.tar"
    call_command("backup", "-o", str(archive))
    assert archive.exists() and not list(tmp_path.glob(".kyodo.tar.*"))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "files/gijiroku/131083/meeting-1.wav" in names
    assert any(n.startswith("database.") for n in names)

    # Change everything: rows deleted, a file removed, another added.
    RunChild.objects.for_org(done_run.organisation_id).filter(run=done_run).delete()
    stored.unlink()
    (tmp_path / "data" / "stray.txt").write_text("after the backup")
    assert table_counts() != counts_before

    call_command("restore", str(archive))
    assert table_counts() == counts_before
    again = Run.objects.for_org(done_run.organisation_id).get(pk=done_run.pk)
    assert stored_result(again) == result_before
    assert stored.read_bytes() == b"RIFF....WAVE" and not (tmp_path / "data" / "stray.txt").exists()


def test_restore_refuses_what_is_not_a_kyodo_backup(tmp_path, db):
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="Kyodo のバックアップとして読めません"):
        call_command("restore", str(junk))
    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as tar:
        outside = tmp_path / "x.txt"
        outside.write_text("x")
        tar.add(outside, arcname="../escape.txt")
    with pytest.raises(CommandError, match="不正な項目"):
        call_command("restore", str(evil))
    assert not Path(tmp_path.parent / "escape.txt").exists()


def test_backup_refuses_a_folder_as_its_output(tmp_path, db):
    with pytest.raises(CommandError, match="フォルダー"):
        call_command("backup", "-o", str(tmp_path))
    assert connection.vendor in ("sqlite", "postgresql")
