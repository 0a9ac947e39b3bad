"""Archive scale: streaming runs on local processes and on a real Dask cluster, resume, kill -9.

The CLI runs in subprocesses with the real Extractor; the Dask cluster is a
LocalCluster on 127.0.0.1 (a scheduler and two worker processes). The input
is 1,500 short news records built from the sentences of corpus/sample.jsonl.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from extract.batch import Batch, batches
from extract.parts import PARTS_DIR
from extract.rollup import ENTITY_COLUMNS, ENTITY_TABLES, rollup
from extract.runner import run_archive
from extract.tables import TABLE_NAMES, Rows
from extract.workers import InlineExecutor, RunError

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "corpus" / "sample.jsonl"
N_RECORDS = 1500
BATCH = "25"
BAD_LINE = b'{"id": "hong", "title": "Ch\n'
ALL_TABLES = TABLE_NAMES + ENTITY_TABLES


def vnextract(*args: object, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extract", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", env=_env(), cwd=REPO, timeout=timeout)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}


def sentences() -> list[str]:
    found = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", record.get("text") or record.get("body") or ""):
            if 40 <= len(sentence.strip()) <= 400:
                found.append(sentence.strip())
    return found


def news_records(n: int) -> list[dict]:
    """Short articles of real sentences; every other one dated (dates feed the roll-up)."""
    pool = sentences()
    records = []
    for i in range(n):
        body = " ".join(pool[(7 * i + 13 * j) % len(pool)] for j in range(5))
        record = {"id": f"tin-{i:05d}", "title": pool[i % len(pool)][:90], "text": body}
        if i % 2:
            record["published"] = f"2017-{1 + i % 12:02d}-{1 + i % 28:02d}"
        records.append(record)
    return records


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("input") / "news.jsonl"
    lines = [json.dumps(r, ensure_ascii=False).encode() for r in news_records(N_RECORDS)]
    lines.insert(700, BAD_LINE)  # one read failure in the middle: it must come out once, in place
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> Path:
    """An uninterrupted local run on two worker processes."""
    out = tmp_path_factory.mktemp("reference") / "out"
    result = vnextract("extract", corpus, "--out", out, "--workers", "2", "--batch-size", BATCH, "--no-progress")
    assert result.returncode == 1, result.stderr  # the bad line
    assert f"Articles read: {N_RECORDS + 1:,} ({N_RECORDS:,} extracted, 1 failed)" in result.stdout
    return out


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    # the worker processes start with this process's sys.path, where the package is importable
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as local_cluster:
        yield local_cluster


def assert_same_tables(a: Path, b: Path) -> None:
    for name in ALL_TABLES:
        assert filecmp.cmp(a / f"{name}.csv", b / f"{name}.csv", shallow=False), name
        pd.testing.assert_frame_equal(pd.read_parquet(a / f"{name}.parquet"), pd.read_parquet(b / f"{name}.parquet"),
                                      obj=name)


def manifest_query(out: Path, sql: str) -> list[tuple]:
    db = sqlite3.connect(f"file:{out / PARTS_DIR / 'manifest.sqlite'}?mode=ro", uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def batches_recorded(out: Path) -> int:
    """Batches the manifest lists (0 while the run has not created it yet)."""
    try:
        return manifest_query(out, "SELECT count(*) FROM batches")[0][0]
    except sqlite3.OperationalError:  # no file yet, or no table yet
        return 0


def part_mtimes(out: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in (out / PARTS_DIR).glob("*/part-*.parquet")}


# --- the same tables everywhere ----------------------------------------------------------------


def test_a_dask_cluster_run_writes_the_tables_of_the_local_run(corpus, reference, cluster, tmp_path):
    out = tmp_path / "dask"
    result = vnextract("extract", corpus, "--out", out, "--scheduler", cluster.scheduler_address,
                       "--batch-size", BATCH)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "articles/s" in result.stderr  # the progress bar
    assert_same_tables(reference, out)


def test_the_local_run_equals_the_in_memory_tables_row_for_row(corpus, reference):
    from extract.readers import read_inputs
    from extract.runner import run_extractor

    tables = run_extractor(read_inputs([corpus]), workers=1, progress=False).rows.to_tables()
    for name, df in tables.items():
        pd.testing.assert_frame_equal(pd.read_parquet(reference / f"{name}.parquet"), df, check_dtype=False,
                                      obj=name)
    for name, df in rollup(tables).items():
        pd.testing.assert_frame_equal(pd.read_parquet(reference / f"{name}.parquet"), df, check_dtype=False,
                                      obj=name)


def test_streaming_writes_one_part_per_table_and_batch(corpus, reference):
    digests = [d for (d,) in manifest_query(reference, "SELECT digest FROM sequence ORDER BY position")]
    assert len(digests) > 20  # ~60 batches of ~25 articles
    for name in TABLE_NAMES:
        parts = sorted((reference / PARTS_DIR / name).glob("part-*.parquet"))
        assert sorted(p.name for p in parts) == sorted(f"part-{d}.parquet" for d in set(digests)), name
    keys = manifest_query(reference, "SELECT a.article_id FROM sequence s JOIN articles a ON a.digest = s.digest "
                                     "ORDER BY s.position, a.position")
    assert [k for (k,) in keys] == [f"tin-{i:05d}" for i in range(700)] + ["news.jsonl:701"] + [
        f"tin-{i:05d}" for i in range(700, N_RECORDS)]
    first = pd.read_parquet(reference / PARTS_DIR / "articles" / f"part-{digests[0]}.parquet")
    assert list(first["article_id"]) == [f"tin-{i:05d}" for i in range(len(first))]
    assert not list(reference.glob(".*.tmp")) and not list((reference / PARTS_DIR).glob("*/.*.tmp"))


@pytest.mark.parametrize("name", ENTITY_TABLES)
def test_the_roll_up_tables_are_written(reference, name):
    df = pd.read_csv(reference / f"{name}.csv", encoding="utf-8-sig")
    assert list(df.columns) == ENTITY_COLUMNS[name]
    assert len(df) > 0


# --- resume ------------------------------------------------------------------------------------


def test_a_rerun_skips_every_finished_article_and_force_redoes_them(corpus, reference, tmp_path):
    out = tmp_path / "again"
    shutil.copytree(reference, out)
    before = part_mtimes(out)
    again = vnextract("extract", corpus, "--out", out, "--workers", "2", "--batch-size", BATCH, "--no-progress")
    assert again.returncode == 1, again.stderr
    assert f"Resumed: {N_RECORDS + 1:,} articles were already done in {out}; 0 extracted now" in again.stdout
    assert part_mtimes(out) == before  # nothing was extracted or rewritten
    assert_same_tables(reference, out)

    forced = vnextract("extract", corpus, "--out", out, "--workers", "2", "--batch-size", BATCH, "--no-progress",
                       "--force")
    assert forced.returncode == 1, forced.stderr
    assert "Resumed" not in forced.stdout
    after = part_mtimes(out)
    assert after.keys() == before.keys() and all(after[p] > before[p] for p in before)
    assert_same_tables(reference, out)


def test_a_run_killed_with_kill_9_and_rerun_loses_nothing_and_duplicates_nothing(corpus, reference, tmp_path):
    out = tmp_path / "killed"
    args = ["extract", corpus, "--out", out, "--workers", "2", "--batch-size", BATCH, "--no-progress"]
    run = subprocess.Popen([sys.executable, "-m", "extract", *map(str, args)], env=_env(), cwd=REPO,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while batches_recorded(out) < 3:
            assert run.poll() is None and time.monotonic() < deadline, "the run ended before it could be killed"
            time.sleep(0.01)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    total = len(manifest_query(reference, "SELECT digest FROM sequence"))
    recorded = [d for (d,) in manifest_query(out, "SELECT digest FROM batches")]
    assert 3 <= len(recorded) < total, "not killed halfway"
    assert not (out / "articles.csv").exists()
    for digest in recorded:  # a batch is recorded only with all its parts
        assert all((out / PARTS_DIR / name / f"part-{digest}.parquet").is_file() for name in TABLE_NAMES)
    _assert_session_ends(run.pid)  # the worker processes went with their parent

    rerun = vnextract(*args)
    assert rerun.returncode == 1, rerun.stderr
    resumed = int(re.search(r"Resumed: ([\d,]+) articles", rerun.stdout).group(1).replace(",", ""))
    assert resumed >= 3 * int(BATCH) // 2
    articles = pd.read_csv(out / "articles.csv", encoding="utf-8-sig", dtype=str)
    assert list(articles["article_id"]) == [f"tin-{i:05d}" for i in range(N_RECORDS)]
    assert list(pd.read_csv(out / "errors.csv", encoding="utf-8-sig")["article_id"]) == ["news.jsonl:701"]
    assert_same_tables(reference, out)


def _assert_session_ends(session: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        left = []
        for process in psutil.process_iter():
            try:
                if os.getsid(process.pid) == session:
                    left.append(process.pid)
            except (ProcessLookupError, PermissionError, psutil.Error):
                pass
        if not left:
            return
        if time.monotonic() > deadline:
            for pid in left:
                os.kill(pid, signal.SIGKILL)
            pytest.fail(f"worker processes {left} outlived their killed parent")
        time.sleep(0.2)


# --- batches -----------------------------------------------------------------------------------


def test_an_article_added_in_the_middle_changes_only_the_batches_around_it():
    records = [{"id": f"tin-{i}", "title": f"Tin số {i}", "text": f"Nội dung {i}"} for i in range(5000)]
    before = [b.digest for b in batches(records, 50)]
    changed = records[:2500] + [{"id": "moi", "title": "Tin mới", "text": "Tin mới chen vào giữa"}] + records[2500:]
    after = [b.digest for b in batches(changed, 50)]
    assert len(set(after) - set(before)) <= 2
    assert len(set(before) - set(after)) <= 2
    sizes = [len(b) for b in batches(records, 50)]
    assert sum(sizes) == 5000 and max(sizes) <= 200 and min(sizes[:-1]) >= 25
    assert 35 <= sum(sizes) / len(sizes) <= 65


def test_a_batch_is_named_by_its_items():
    records = [{"id": "a", "title": "Một"}, {"id": "b", "title": "Hai"}]
    one = list(batches(records, 10))
    assert len(one) == 1 and isinstance(one[0], Batch)
    assert one[0].digest == next(batches([dict(r) for r in records], 10)).digest
    changed = [records[0], {**records[1], "published": "2017-01-02"}]  # metadata counts, not only the text
    assert next(batches(changed, 10)).digest != one[0].digest


# --- roll-up through a streaming run ------------------------------------------------------------


class OfficialsFromRecord:
    """Stands in for the Extractor: the record lists its officials."""

    def process(self, record: dict) -> Rows:
        return Rows(articles=[{"article_id": record["id"], "published": record.get("published")}],
                    officials=[{"article_id": record["id"], "name": name, "title": title,
                                "organization": organization, "province": province, "mentions": 1}
                               for name, title, organization, province in record["officials"]])


def test_a_streaming_run_rolls_up_people_across_batches(tmp_path):
    hung_ca_mau = ("Nguyễn Văn Hùng", "Chủ tịch", "Ủy ban nhân dân tỉnh Cà Mau", "Cà Mau")
    hung_phu_yen = ("Nguyễn Văn Hùng", "Chủ tịch", "Ủy ban nhân dân tỉnh Phú Yên", "Phú Yên")
    records = [{"id": f"tin-{i}", "title": "x", "published": f"2017-02-{1 + i % 28:02d}", "officials": []}
               for i in range(120)]
    records[3]["officials"] = [hung_ca_mau]
    records[90]["officials"] = [("NGUYỄN VĂN HÙNG", "Chủ tịch", "UBND tỉnh Cà Mau", "Cà Mau")]
    records[50]["officials"] = [hung_phu_yen]
    with InlineExecutor(OfficialsFromRecord) as executor:
        summary = run_archive(iter(records), tmp_path, executor, batch_size=10)
    assert summary.batches > 5 and summary.read == 120
    officials = pd.read_csv(tmp_path / "entity_officials.csv", encoding="utf-8-sig")
    rows = officials[["name", "province", "n_articles", "first_seen", "last_seen"]].values.tolist()
    assert rows == [["Nguyễn Văn Hùng", "Cà Mau", 2, "2017-02-04", "2017-02-07"],
                    ["Nguyễn Văn Hùng", "Phú Yên", 1, "2017-02-23", "2017-02-23"]]


class MetadataOnly:
    """Stands in for the Extractor: one articles row with the record's ``published`` as given."""

    def process(self, record: dict) -> Rows:
        return Rows(articles=[{"article_id": record["id"], "published": record["published"]}])


def test_a_column_with_numbers_in_some_records_and_text_in_others_comes_out_as_text(tmp_path):
    records = [{"id": f"tin-{i}", "title": "x",
                "published": 1484179200 + i if i < 8 or i % 3 == 0 else f"2017-01-{1 + i % 28:02d}"}
               for i in range(60)]
    with InlineExecutor(MetadataOnly) as executor:
        run_archive(iter(records), tmp_path, executor, batch_size=4)
    assert list(pd.read_parquet(tmp_path / "articles.parquet")["published"]) == [str(r["published"]) for r in records]
    csv = pd.read_csv(tmp_path / "articles.csv", encoding="utf-8-sig", dtype=str)
    assert list(csv["published"]) == [str(r["published"]) for r in records]


class BrokenExtractor:
    def __init__(self) -> None:
        raise FileNotFoundError("models/ is missing")


def test_an_extractor_that_cannot_be_built_on_the_dask_workers_is_an_error_not_a_hang(cluster):
    import cloudpickle

    from extract.cluster import DaskExecutor

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    try:
        with pytest.raises(RunError, match="cannot build the extractor: FileNotFoundError: models/ is missing"):
            DaskExecutor(cluster.scheduler_address, BrokenExtractor)
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def test_an_unreachable_scheduler_is_an_error():
    from extract.cluster import DaskExecutor

    with pytest.raises(RunError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        DaskExecutor("tcp://127.0.0.1:9", timeout="1s")


# --- the results folder ------------------------------------------------------------------------


def test_a_results_folder_in_use_by_another_run_is_refused(tmp_path, capsys):
    from extract.cli import main
    from extract.manifest import Manifest

    with Manifest(tmp_path / PARTS_DIR):  # holds the folder's lock, like a running extract
        assert main(["extract", str(SAMPLE), "--out", str(tmp_path), "--workers", "1"]) == 2
    assert "another vnextract run is writing to" in capsys.readouterr().err


def test_resuming_with_other_settings_is_refused(reference, tmp_path, capsys, corpus):
    from extract.cli import main

    out = tmp_path / "other"
    shutil.copytree(reference, out)
    args = ["extract", str(corpus), "--out", str(out), "--workers", "1", "--no-progress"]
    assert main([*args, "--max-chars", "5000"]) == 2
    assert "made with max_chars 2000000 (now 5000)" in capsys.readouterr().err
    assert_same_tables(reference, out)  # nothing touched
