"""The command's console: progress with counts, the terminal's width and colours, files written safely."""

from __future__ import annotations

import io
import sys

import pytest
from rich.console import Console

from scripts import console


def test_progress_counts_on_a_terminal_and_says_one_line_elsewhere(monkeypatch):
    buf = io.StringIO()
    monkeypatch.setattr(console, "_stderr", lambda: Console(file=buf, force_terminal=True, width=100))
    with console.progress("Running 3 policy pack(s)", unit="analysed") as bar:
        bar.update(7, 10)
    assert "7/10 analysed" in buf.getvalue(), buf.getvalue()

    plain = io.StringIO()
    monkeypatch.setattr(console, "_stderr", lambda: Console(file=plain, force_terminal=False))
    with console.progress("Previewing stack dev", unit="resources registered") as bar:
        bar.update(5)
        bar.update(9)
    assert plain.getvalue() == "Previewing stack dev...\n", "a log gets one plain line, no counters"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_reports_take_the_terminals_width_and_colours_and_files_a_fixed_style(monkeypatch):
    monkeypatch.setattr(sys, "stdout", _Tty())
    monkeypatch.setenv("COLUMNS", "87")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert console.output_style(None) == console.Style(width=87, color=True)
    monkeypatch.setenv("NO_COLOR", "1")
    assert console.output_style(None).color is False, "NO_COLOR is honoured"
    assert console.output_style("report.txt") == console.Style(width=console.FILE_WIDTH, color=False)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert console.output_style(None) == console.Style(), "a pipe gets the file style"


def test_output_files_are_checked_first_and_written_whole(tmp_path, capsys):
    with pytest.raises(console.UsageError, match="no such directory"):
        console.check_output_path(tmp_path / "missing" / "x.json")
    target = tmp_path / "report.json"
    console.write_output("{}\n", target)
    assert target.read_text() == "{}\n" and [p.name for p in tmp_path.iterdir()] == ["report.json"]
    assert "wrote" in capsys.readouterr().err


def test_errors_are_text_and_debug_shows_the_cause(capsys):
    try:
        try:
            {}["key"]
        except KeyError as low:
            raise console.InputError("f.json: [bold]x[/bold]: bad") from low
    except console.InputError as err:
        assert console.report_error(err, debug=False) == 2
        assert capsys.readouterr().err == "error: f.json: [bold]x[/bold]: bad\n"
        assert console.report_error(err, debug=True) == 2
        err_text = capsys.readouterr().err
        assert "KeyError: 'key'" in err_text and "Traceback" in err_text, "the real cause, not only the message"
    assert console.report_error(KeyboardInterrupt(), debug=False) == 130
