import pytest

from kyodo.cli import main


def test_it_prints_help_and_exits_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "kyodo" in capsys.readouterr().out


def test_it_refuses_an_unknown_domain(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["nosuchdomain"])
    assert exc.value.code == 2
