"""The history benchmark's pure parts: line fit, per-day rows, ratios, goals, README section, options.

No pipeline runs here: the runs are replaced by literal reports.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil

import pytest
from click.testing import CliRunner

import bench.__main__ as bench_main
from bench import BENCHMARKS, data, history_bench, plot, report, stats
from kickback.lock import warehouse_lock


def _report(seconds, bytes_read, input_bytes=1_000_000, stages=None):
    return {"seconds": seconds, "bytes_read": bytes_read, "input_bytes": input_bytes,
            "lines_read": 2000, "counters": {"read": 2000},
            "stage_seconds": stages or {"validate": seconds / 2, "roll_up": seconds / 4,
                                        "summarize": seconds / 4},
            "rows": {"events": 1900}, "event_days": ["2026-11-26", "2026-11-27"]}


def _rows(seconds, bytes_read, input_bytes=1_000_000):
    days = history_bench.history_days(len(seconds))
    return [history_bench.day_row(i, day, _report(s, b, input_bytes), s + 1.5, s * 1.8, [1.0, 2.0, 3.0])
            for i, (day, s, b) in enumerate(zip(days, seconds, bytes_read), start=1)]


def _params(days=3):
    return {"days": days, "events_per_day": 2000, "runner": "local", "data": "history3d-2000",
            "first_day": "2026-11-25", "last_day": "2026-11-27"}


def _figure(result, start):
    return next(fig for fig in result["figures"] if fig["name"].startswith(start))


# --- stats.fit_line ------------------------------------------------------------

def test_fit_line_recovers_slope_and_intercept():
    slope, intercept, r2 = stats.fit_line([1, 2, 3, 4], [12.0, 14.0, 16.0, 18.0])
    assert slope == pytest.approx(2.0)
    assert intercept == pytest.approx(10.0)
    assert r2 == pytest.approx(1.0)


def test_fit_line_of_noisy_points_is_the_least_squares_line():
    slope, intercept, r2 = stats.fit_line([1, 2, 3], [1.0, 3.0, 2.0])
    assert slope == pytest.approx(0.5)
    assert intercept == pytest.approx(1.0)
    assert r2 == pytest.approx(0.25)


def test_fit_line_of_a_flat_history_has_no_slope():
    assert stats.fit_line([1, 2, 3], [5.0, 5.0, 5.0]) == (0.0, 5.0, 1.0)


@pytest.mark.parametrize("xs,ys", [([1], [1.0]), ([1, 2], [1.0]), ([2, 2], [1.0, 3.0])])
def test_fit_line_rejects_what_it_cannot_fit(xs, ys):
    with pytest.raises(ValueError):
        stats.fit_line(xs, ys)


# --- days, labels, rows ---------------------------------------------------------

def test_history_days_are_consecutive_and_end_on_the_bench_day():
    days = history_bench.history_days(30)
    assert len(days) == 30
    assert days[-1] == data.DAY
    assert all(b - a == dt.timedelta(days=1) for a, b in zip(days, days[1:]))


def test_history_days_need_one_day():
    with pytest.raises(ValueError):
        history_bench.history_days(0)


def test_label_names_days_and_events():
    assert history_bench.label(30, 20_000) == "history30d-20000"


def test_day_row_keeps_the_report_figures():
    row = history_bench.day_row(2, dt.date(2026, 11, 26), _report(10.0, 3_000_000), 11.5, 18.0, [1, 2, 3])
    assert row["day"] == 2 and row["date"] == "2026-11-26"
    assert row["wall_s"] == 10.0 and row["process_wall_s"] == 11.5 and row["cpu_s"] == 18.0
    assert row["bytes_read"] == 3_000_000 and row["input_bytes"] == 1_000_000
    assert row["read_to_raw"] == pytest.approx(3.0)
    assert row["stage_seconds"] == {"validate": 5.0, "roll_up": 2.5, "summarize": 2.5}


def test_day_row_of_an_empty_landing_has_no_ratio():
    row = history_bench.day_row(1, data.DAY, _report(1.0, 0, input_bytes=0), 2.0, 1.0)
    assert row["read_to_raw"] is None


# --- the result: fits, ratios, goals --------------------------------------------

def test_flat_history_meets_both_goals():
    result = history_bench.result(_rows([10.0, 10.5, 11.0], [2_000_000, 2_100_000, 2_200_000]), _params())
    seconds = _figure(result, "pipeline seconds, day 3")
    assert seconds["value"] == 11.0 and seconds["yardstick_value"] == 10.0
    assert seconds["ratio"] == pytest.approx(1.1)
    assert seconds["met"] is True
    assert seconds["goal"] == {"kind": "at_most", "target": 1.2, "text": "day 3 / day 1 seconds"}
    read = _figure(result, "MB read by the jobs, day 3")
    assert read["value"] == pytest.approx(2.2) and read["yardstick_value"] == pytest.approx(2.0)
    assert read["met"] is True
    assert result["ratios"]["seconds_last_to_first"] == pytest.approx(1.1)
    assert result["ratios"]["bytes_read_last_to_first"] == pytest.approx(1.1)


def test_the_seconds_goal_compares_the_medians_of_the_alternated_re_runs():
    # a slow chain day 1 (a busy moment) would meet the goal; the re-runs say otherwise
    rows = _rows([14.0, 10.5, 13.0], [2_000_000, 2_100_000, 2_200_000])
    result = history_bench.result(rows, _params(), {"first": [10.0, 9.0, 30.0], "last": [13.0, 14.0, 12.5]})
    seconds = _figure(result, "pipeline seconds, day 3")
    assert seconds["value"] == 13.0 and seconds["yardstick_value"] == 10.0
    assert seconds["ratio"] == pytest.approx(1.3) and seconds["met"] is False
    assert seconds["yardstick"] == "day 1, same run (median of 3)"
    assert "13.00/14.00/12.50" in seconds["note"] and "10.00/9.00/30.00" in seconds["note"]
    assert result["ratios"]["chain_seconds_last_to_first"] == pytest.approx(13.0 / 14.0)
    assert result["repeats"] == {"first": [10.0, 9.0, 30.0], "last": [13.0, 14.0, 12.5]}
    # bytes read stay the chain's
    assert _figure(result, "MB read by the jobs, day 3")["value"] == pytest.approx(2.2)


def test_growing_history_misses_the_goals_and_fits_the_growth():
    seconds = [10.0 + 2.0 * day for day in range(1, 31)]
    bytes_read = [2_000_000 + 500_000 * day for day in range(1, 31)]
    result = history_bench.result(_rows(seconds, bytes_read), _params(30))
    assert result["fits"]["seconds"] == pytest.approx({"slope": 2.0, "intercept": 10.0, "r2": 1.0})
    assert result["fits"]["bytes_read"]["slope"] == pytest.approx(500_000)
    assert _figure(result, "seconds per day of history")["value"] == pytest.approx(2.0)
    assert _figure(result, "MB read per day of history")["value"] == pytest.approx(0.5)
    assert _figure(result, "seconds per day of history")["goal"] is None
    day30 = _figure(result, "pipeline seconds, day 30")
    assert day30["ratio"] == pytest.approx(70.0 / 12.0)
    assert day30["met"] is False and day30["margin"] < 0
    assert _figure(result, "MB read by the jobs, day 30")["met"] is False
    assert result["ratios"]["fitted_seconds_last_to_first"] == pytest.approx(70.0 / 12.0)


def test_read_to_raw_ratios_of_day_one_and_the_last_day():
    result = history_bench.result(_rows([10.0, 10.0, 10.0], [2_000_000, 2_500_000, 3_000_000]), _params())
    first = _figure(result, "MB read / raw landing MB, day 1")
    last = _figure(result, "MB read / raw landing MB, day 3")
    assert first["ratio"] == pytest.approx(2.0) and last["ratio"] == pytest.approx(3.0)
    assert (result["ratios"]["read_to_raw_first"], result["ratios"]["read_to_raw_last"]) == (2.0, 3.0)
    assert first["goal"] is None and last["goal"] is None


def test_result_shape():
    result = history_bench.result(_rows([10.0, 11.0], [1, 2]), _params(2))
    assert result["benchmark"] == "history"
    assert set(result) >= {"params", "days", "fits", "ratios", "figures", "notes", "sections"}
    assert [r["day"] for r in result["days"]] == [1, 2]
    json.dumps(result)


def test_result_needs_two_days():
    with pytest.raises(ValueError):
        history_bench.result(_rows([10.0], [1]), _params(1))


# --- the README section ---------------------------------------------------------

def test_readme_has_the_history_figures_and_a_per_day_section():
    result = history_bench.result(_rows([10.0, 10.5, 11.0], [2_000_000, 2_100_000, 2_200_000]), _params())
    result.update(started_at="2026-12-02 03:00:00", machine={"nproc": 2})
    text = report.render_readme([result])
    assert "| history | pipeline seconds, day 3 of history | 11.0 s | day 1, same run | 10.0 s | 1.10 " \
           "| day 3 / day 1 seconds <= 1.20 | met | +8% |" in text
    assert "## history: 3 days into one warehouse" in text
    assert "![history: 3 days into one warehouse](history.png)" in text
    assert "| day | landing day | seconds | validate (s) | roll_up (s) | summarize (s) |" in text
    assert "| 3 | 2026-11-27 | 11.0 | 5.5 | 2.8 | 2.8 | 2,200,000 | 1,000,000 | 2.20 | 19.8 |" in text
    assert text.index("## history: 3 days") < text.index("## Notes: history")


def test_stage_columns_follow_the_stages_the_runs_report():
    rows = _rows([10.0, 11.0], [1, 2])
    rows[1]["stage_seconds"] = {"drop": 0.1, "validate": 5.0, "publish": 0.2, "summarize": 1.0}
    assert history_bench.stage_names(rows) == ["validate", "roll_up", "summarize", "drop", "publish"]
    labels = [c["label"] for c in history_bench.result(rows, _params(2))["sections"][0]["columns"]]
    assert "drop (s)" in labels and "publish (s)" in labels


def test_section_cells_of_missing_values_read_n_a():
    section = {"title": "t", "rows": "days", "columns": [{"key": "a.b", "label": "A"}, {"key": "c", "label": "C"}]}
    lines = report.render_section({"days": [{"a": {"b": 1.5}}]}, section)
    assert "| 1.50 | n/a |" in lines


def test_the_chart_is_written(tmp_path):
    path = plot.history_chart(tmp_path / "history.png", [1, 2, 3], [10.0, 11.0, 12.0],
                              [2.0, 2.5, 3.0], [1.0, 1.0, 1.0], "t",
                              seconds_fit=(1.0, 9.0), mb_read_fit=(0.5, 1.5))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- options --------------------------------------------------------------------

def test_history_runs_right_after_the_pipeline():
    assert BENCHMARKS.index("history") == BENCHMARKS.index("pipeline") + 1


@pytest.fixture
def fake_bench(clean_env, monkeypatch):
    """``python -m bench`` with no stack and a history benchmark that records its arguments."""
    seen = {}

    def fake_run(settings, workspace, results_dir, days, events, runner, say):
        seen.update(days=days, events=events, runner=runner, workspace=workspace)
        rows = _rows([10.0] * days, [2_000_000] * days)
        return history_bench.result(rows, {**_params(days), "events_per_day": events, "runner": runner})

    def no_stack(settings, say):
        seen["stack up"] = True

    monkeypatch.setattr("stack.control.up", no_stack)
    monkeypatch.setattr(history_bench, "run", fake_run)
    return seen


@pytest.mark.parametrize("names, runner, needed", [
    (["pipeline", "history"], "local", False),
    (["history"], "hadoop", True),
    (["pipeline", "api"], "local", True),
    (["hbase"], "local", True), (["hive"], "local", True), (["cluster"], "local", True),
])
def test_only_benchmarks_that_talk_to_the_stack_bring_it_up(names, runner, needed):
    assert bench_main.needs_stack(names, bench_main.Knobs(history_runner=runner)) is needed


def test_history_options_reach_the_benchmark(fake_bench, tmp_path):
    out = CliRunner().invoke(bench_main.main, ["--only", "history", "--history-days", "3",
                                               "--history-events", "2000", "--history-runner", "inline",
                                               "--results", str(tmp_path / "results")])
    assert out.exit_code == 0, out.output
    assert (fake_bench["days"], fake_bench["events"], fake_bench["runner"]) == (3, 2000, "inline")
    assert "stack up" not in fake_bench  # the inline runner needs no service
    assert fake_bench["workspace"].root == tmp_path / "var" / "bench"
    written = json.loads((tmp_path / "results" / "history.json").read_text())
    assert written["params"]["days"] == 3 and len(written["days"]) == 3
    assert "## history: 3 days into one warehouse" in (tmp_path / "results" / "README.md").read_text()


def test_history_defaults(fake_bench, tmp_path):
    out = CliRunner().invoke(bench_main.main, ["--only", "history", "--results", str(tmp_path / "r")])
    assert out.exit_code == 0, out.output
    assert (fake_bench["days"], fake_bench["events"], fake_bench["runner"]) == (30, 20_000, "local")


@pytest.mark.parametrize("args", [["--history-days", "1"], ["--history-events", "10"],
                                  ["--history-runner", "emr"]])
def test_bad_history_options_are_refused(fake_bench, tmp_path, args):
    out = CliRunner().invoke(bench_main.main, ["--only", "history", "--results", str(tmp_path), *args])
    assert out.exit_code == 2
    assert fake_bench == {}


def test_run_refuses_a_one_day_history(tmp_settings, tmp_path):
    from bench.workspace import Workspace

    with pytest.raises(ValueError):
        history_bench.run(tmp_settings, Workspace(tmp_path / "bench"), tmp_path, 1, 2000, "local",
                          lambda line: None)


def test_a_history_that_grows_while_the_window_fills_then_stays_flat():
    seconds = [5.0 + min(day, 10) * 0.5 for day in range(1, 31)]
    read = [1_000_000 * min(day, 10) for day in range(1, 31)]
    result = history_bench.result(_rows(seconds, read), _params(30))
    assert _figure(result, "pipeline seconds, day 30 of history")["met"] is False
    steady = _figure(result, "pipeline seconds, day 30 against day 10")
    assert steady["ratio"] == pytest.approx(1.0) and steady["met"] is True
    assert _figure(result, "MB read, day 30 against day 10")["met"] is True
    assert result["fits"]["bytes_read_window_full"]["slope"] == pytest.approx(0.0, abs=1e-6)


def test_a_short_history_has_no_window_full_figures():
    result = history_bench.result(_rows([1.0, 1.0, 1.0], [1, 1, 1]), _params())
    assert not [fig for fig in result["figures"] if "window full" in fig["name"]]


def test_the_disk_a_history_needs_counts_its_landing_unless_cached():
    cached = history_bench.disk_needed(30, 1_000_000, landing_cached=True)
    fresh = history_bench.disk_needed(30, 1_000_000, landing_cached=False)
    assert cached == (30 + history_bench.COPIES_NEW_DAYS) * 1_000_000 * history_bench.WAREHOUSE_BYTES_PER_EVENT
    assert fresh - cached == 30 * 1_000_000 * history_bench.LANDING_BYTES_PER_EVENT
    # the 1M-a-day history of 9 days took about 2.1 GB of landing and 5.9 GB of warehouse
    # (0.66 GB a day), and its linked copies no more than the day a run writes anew, each
    assert 2.1e9 + 5.9e9 + 2 * 0.66e9 < history_bench.disk_needed(9, 1_000_000, landing_cached=False) \
        < 1.3 * (2.1e9 + 5.9e9 + 2 * 0.66e9)


def _tree(root):
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "part-00000").write_bytes(b"one\n")
    (root / "a" / "part-00001").write_bytes(b"two\n")
    (root / "top").write_bytes(b"three\n")
    return root


def test_a_linked_copy_shares_the_files_and_keeps_them_when_the_copy_is_changed(tmp_path):
    source = _tree(tmp_path / "source")
    copy = tmp_path / "copy"
    history_bench._link_tree(source, copy)
    frozen = history_bench.tree_state(source)
    assert sorted(frozen) == sorted(history_bench.tree_state(copy))
    assert (copy / "top").stat().st_ino == (source / "top").stat().st_ino
    # what a run does to a warehouse: new files renamed over old ones, folders removed and added
    (copy / "new").write_bytes(b"four\n")
    os.replace(copy / "new", copy / "top")
    shutil.rmtree(copy / "a" / "b")
    (copy / "c").mkdir()
    (copy / "c" / "part-00000").write_bytes(b"five\n")
    history_bench.check_untouched(source, frozen)
    assert (source / "top").read_bytes() == b"three\n"
    assert (source / "a" / "b" / "part-00000").read_bytes() == b"one\n"


def test_a_write_in_place_into_a_linked_copy_fails_the_check(tmp_path):
    source = _tree(tmp_path / "source")
    copy = tmp_path / "copy"
    history_bench._link_tree(source, copy)
    frozen = history_bench.tree_state(source)
    with open(copy / "a" / "part-00001", "ab") as handle:
        handle.write(b"more\n")
    with pytest.raises(history_bench.LinkedCopyChanged, match=r"1 files .*a/part-00001"):
        history_bench.check_untouched(source, frozen)


def test_the_lock_a_run_takes_in_a_linked_copy_leaves_the_source_untouched(tmp_path):
    source = _tree(tmp_path / "source")
    (source / "_lock").write_text("")
    copy = tmp_path / "copy"
    history_bench._link_tree(source, copy)
    frozen = history_bench.tree_state(source)
    assert (copy / "_lock").stat().st_ino != (source / "_lock").stat().st_ino
    assert (copy / "top").stat().st_ino == (source / "top").stat().st_ino
    with warehouse_lock(copy):
        assert (copy / "_lock").read_text()
    history_bench.check_untouched(source, frozen)
    assert (source / "_lock").read_text() == ""


def test_a_linked_copy_of_nothing_is_an_empty_folder_in_place_of_the_old_one(tmp_path):
    target = _tree(tmp_path / "target")
    history_bench._link_tree(None, target)
    assert target.is_dir() and not list(target.iterdir())


def test_a_history_that_would_fill_the_disk_is_refused_before_it_starts(tmp_settings, tmp_path, monkeypatch):
    from bench.workspace import Workspace

    free = 5 * 10**9
    monkeypatch.setattr(history_bench.shutil, "disk_usage", lambda path: type("Usage", (), {"free": free})())
    workspace = Workspace(tmp_path / "bench")
    with pytest.raises(ValueError, match=r"needs about 33\.9 GB free under .*, and 5\.0 GB are"):
        history_bench.run(tmp_settings, workspace, tmp_path, 30, 1_000_000, "local", lambda line: None)
    assert not workspace.landing(history_bench.label(30, 1_000_000)).exists()  # nothing generated


def test_the_disk_check_looks_at_the_nearest_folder_that_exists(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(history_bench.shutil, "disk_usage",
                        lambda path: seen.append(path) or type("Usage", (), {"free": 10})())
    history_bench.check_disk(tmp_path / "not" / "yet", 10)
    assert seen == [tmp_path]
    with pytest.raises(ValueError):
        history_bench.check_disk(tmp_path / "not" / "yet", 11)


def test_the_bench_says_why_a_history_would_not_fit_on_the_disk(clean_env, monkeypatch, tmp_path):
    monkeypatch.setattr(history_bench.shutil, "disk_usage", lambda path: type("Usage", (), {"free": 10**9})())
    monkeypatch.setattr("stack.control.up", lambda settings, say: None)
    out = CliRunner().invoke(bench_main.main, ["--only", "history", "--history-events", "1000000",
                                               "--results", str(tmp_path / "results")])
    assert out.exit_code == 1
    assert "Error: the history needs about 33.9 GB free under" in out.output
    assert "Traceback" not in out.output
