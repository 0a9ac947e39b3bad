"""The command line, end to end: ``python -m extract`` in a subprocess.

The ``extract`` and ``evaluate`` runs use the real Extractor (extract.pipeline)
and the HTML input the real HtmlParser (extract.html).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from extract.cli import main
from extract.readers import ReadFailure
from extract.runner import RunResult, run_extractor
from extract.workers import RunError
from extract.tables import COLUMNS, TABLE_NAMES, Rows

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLE = REPO / "corpus" / "sample.jsonl"
HTML_PAGE = REPO / "corpus" / "html" / "tuyen-quang-cai-cach-hanh-chinh.html"

GOOD = [
    {"id": "cli-1", "title": "Đồng Nai tăng cường công tác cơ yếu",
     "text": "Đồng chí Hồ Văn Sơn, Phó Bí thư Thường trực Tỉnh ủy Đồng Nai, làm việc với Ban Cơ yếu Chính phủ. "
             "Tỉnh ủy tiếp tục thực hiện Nghị quyết số 56-NQ/TW ngày 5/3/2020 của Bộ Chính trị."},
    {"id": "cli-2", "title": "Sơn La nâng cao hiệu quả hoạt động cơ yếu", "lead": "Tin từ Sơn La.",
     "body": "Phó Bí thư Thường trực Tỉnh ủy Sơn La Lò Minh Hùng chủ trì hội nghị tại TP.HCM."},
    {"id": "cli-3", "title": "Phó Chủ tịch UBND tỉnh Bình Dương tiếp đoàn công tác",
     "text": "Ông Nguyễn Hồng Hà, Phó Chủ tịch Ủy ban nhân dân tỉnh Bình Dương, tiếp đoàn của Bộ Công an."},
]
BAD_LINES = {  # line number in the input file → what is wrong with it
    2: (b'{"id": "hong", "title": "Thi\xeau"}', "not UTF-8"),
    4: (b'{"id": "ban-dang-do", "title": "Ch', "not valid JSON"),
    5: (json.dumps({"id": "rong", "title": "", "text": ""}).encode(), "no text"),
}
BAD_IDS = ["input.jsonl:2", "input.jsonl:4", "rong"]


def vnextract(*args: object, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "extract", *map(str, args)], capture_output=True,
                          text=True, encoding="utf-8", env=env, cwd=REPO, timeout=timeout)


def write_input(path: Path) -> Path:
    good = iter(json.dumps(record, ensure_ascii=False).encode() for record in GOOD)
    lines = [next(good), BAD_LINES[2][0], next(good), BAD_LINES[4][0], BAD_LINES[5][0], next(good)]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def read_tables(out: Path, fmt: str) -> dict[str, pd.DataFrame]:
    if fmt == "csv":
        return {name: pd.read_csv(out / f"{name}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
                for name in TABLE_NAMES}
    return {name: pd.read_parquet(out / f"{name}.parquet") for name in TABLE_NAMES}


# --- usage errors (no extractor needed) ------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (["extract", "khong-co-tep.jsonl", "--out", "{tmp}/out"], "no such input: khong-co-tep.jsonl"),
    (["extract", str(SAMPLE)], "--out"),
    (["extract", str(SAMPLE), "--out", "{tmp}/out", "--workers", "0"], "must be at least 1"),
    (["extract", str(SAMPLE), "--out", "{tmp}/out", "--workers", "hai"], "not a whole number"),
    (["extract", str(SAMPLE), "--out", "{tmp}/out", "--format", "csv,xlsx"], "unknown output format xlsx"),
    (["extract", str(SAMPLE), "--out", "{tmp}/out", "--max-chars", "-5"], "must be at least 1"),
    (["extract", str(SAMPLE), "--out", str(SAMPLE)], "is not a folder"),
    (["evaluate", "khong-co-gold.jsonl", str(SAMPLE)], "no such input: khong-co-gold.jsonl"),
    (["phan-tich", str(SAMPLE)], "invalid choice"),
    ([], "required"),
])
def test_usage_errors_exit_with_2_and_write_nothing(tmp_path, args, message):
    result = vnextract(*[arg.format(tmp=tmp_path) for arg in args], timeout=120)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


def test_help_lists_the_commands():
    result = vnextract("--help", timeout=120)
    assert result.returncode == 0
    assert "extract" in result.stdout and "evaluate" in result.stdout


def test_main_returns_the_exit_code_instead_of_exiting(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "khong-co.jsonl"), "--out", str(tmp_path / "out")]) == 2
    assert main(["extract", "--workers", "0"]) == 2
    assert "no such input" in capsys.readouterr().err


# --- the run loop, with a tiny stand-in extractor ---------------------------------------------


class EchoExtractor:
    """Stands in for the real Extractor to test ordering and error isolation of the run loop."""

    def process(self, record: dict) -> Rows:
        if record.get("title") == "lỗi":
            raise RuntimeError("không xử lý được")
        return Rows(articles=[{"article_id": record["id"], "title": record["title"]}],
                    mentions=[{"article_id": record["id"], "kind": "province", "text": word}
                              for word in record["title"].split()])


class DyingExtractor:
    """Kills its own process on one article, like the out-of-memory killer would."""

    def process(self, record: dict) -> Rows:
        if record.get("title") == "lỗi":
            os._exit(9)
        return Rows(articles=[{"article_id": record["id"]}])


class BrokenExtractor:
    def __init__(self) -> None:
        raise FileNotFoundError("models/ is missing")


def stand_in_items() -> list:
    items: list = [{"id": f"tin-{i}", "title": f"Tỉnh ủy số {i}"} for i in range(60)]
    items[7] = ReadFailure("a.jsonl:8", "read", "a.jsonl line 8: not valid JSON")
    items[30] = {"id": "tin-30", "title": "lỗi"}
    return items


@pytest.mark.parametrize("workers", [2, 3])
def test_rows_keep_input_order_with_worker_processes(workers):
    one = run_extractor(stand_in_items(), workers=1, factory=EchoExtractor, progress=False)
    many = run_extractor(stand_in_items(), workers=workers, factory=EchoExtractor, progress=False)
    assert (many.read, many.failed) == (one.read, one.failed) == (60, 2)
    assert many.rows == one.rows
    assert [row["article_id"] for row in one.rows.articles][:8] == [f"tin-{i}" for i in (0, 1, 2, 3, 4, 5, 6, 8)]
    assert one.rows.errors[0]["article_id"] == "a.jsonl:8"
    assert one.rows.errors[1] == {"article_id": "tin-30", "stage": "extract",
                                  "error": "RuntimeError: không xử lý được"}


@pytest.mark.parametrize("workers", [1, 2])
def test_an_extractor_that_cannot_be_built_is_an_error_not_a_hang(workers):
    with pytest.raises(RunError, match="cannot build the extractor: FileNotFoundError: models/ is missing"):
        run_extractor(stand_in_items(), workers=workers, factory=BrokenExtractor, progress=False)


def test_a_worker_that_dies_stops_the_run_with_a_clear_error():
    with pytest.raises(RunError, match="a worker process died"):
        run_extractor(stand_in_items(), workers=2, factory=DyingExtractor, progress=False)


def test_run_result_counts_articles_and_failures():
    result = RunResult()
    result.add(Rows(articles=[{"article_id": "a"}]))
    result.add(Rows(errors=[{"article_id": "b", "stage": "read", "error": "x"}]))
    assert (result.read, result.failed) == (2, 1)


# --- end to end with the real Extractor -------------------------------------------------------


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory):
    """One ``extract`` run over a JSONL file with good and bad lines and an HTML page."""
    tmp = tmp_path_factory.mktemp("mixed")
    source = write_input(tmp / "input.jsonl")
    out = tmp / "out"
    return vnextract("extract", source, HTML_PAGE, "--out", out, "--workers", "1"), out


def test_extract_exits_1_when_some_article_failed(mixed_run):
    result, _ = mixed_run
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("Articles read: ")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_extract_writes_every_table_with_the_contract_columns(mixed_run, fmt):
    _, out = mixed_run
    tables = read_tables(out, fmt)
    for name in TABLE_NAMES:
        assert list(tables[name].columns[: len(COLUMNS[name])]) == COLUMNS[name], name


def test_extract_keeps_good_articles_and_lists_bad_lines_in_errors(mixed_run):
    _, out = mixed_run
    tables = read_tables(out, "csv")
    assert list(tables["articles"]["article_id"]) == ["cli-1", "cli-2", "cli-3", "tuyen-quang-cai-cach-hanh-chinh"]
    errors = tables["errors"]
    assert list(errors["article_id"]) == BAD_IDS
    assert set(errors["stage"]) == {"read"}
    for (line, (_, problem)), error in zip(sorted(BAD_LINES.items()), errors["error"]):
        assert f"input.jsonl line {line}: " in error and problem in error
    assert (out / "errors.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_extract_finds_the_entities_of_the_good_articles(mixed_run):
    _, out = mixed_run
    tables = read_tables(out, "csv")
    assert "Hồ Văn Sơn" in set(tables["officials"]["name"])
    assert {"Đồng Nai", "Sơn La", "Bình Dương"} <= set(tables["provinces"]["province"])
    assert "56-NQ/TW" in set(tables["legal_documents"]["number"])
    assert set(tables["mentions"]["article_id"]) <= {"cli-1", "cli-2", "cli-3", "tuyen-quang-cai-cach-hanh-chinh"}


def test_extract_prints_a_summary_and_a_progress_bar(mixed_run):
    result, out = mixed_run
    assert "Articles read: 7 (4 extracted, 3 failed)" in result.stdout
    assert "officials" in result.stdout and "legal documents" in result.stdout
    assert str(out) in result.stdout and str(out / "errors.csv") in result.stdout
    assert "articles/s" in result.stderr


def test_extract_exits_0_when_every_article_succeeded(tmp_path):
    result = vnextract("extract", REPO / "corpus", "--out", tmp_path, "--no-progress", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert "articles/s" not in result.stderr
    articles = read_tables(tmp_path, "csv")["articles"]
    assert list(articles["article_id"]) == ["tuyen-quang-cai-cach-hanh-chinh",  # corpus/html/ sorts first
                                            "seed-000", "seed-003", "sample-001", "sample-002", "sample-003",
                                            "sample-004"]
    assert not list(tmp_path.glob("*.parquet"))
    assert read_tables(tmp_path, "csv")["errors"].empty


def test_max_chars_turns_long_articles_into_failures(tmp_path):
    result = vnextract("extract", SAMPLE, "--out", tmp_path, "--max-chars", "5000", "--format", "csv")
    assert result.returncode == 1
    errors = read_tables(tmp_path, "csv")["errors"]
    assert list(errors["article_id"]) == ["seed-000", "seed-003"]
    assert all("more than the limit of 5,000" in error for error in errors["error"])


def test_two_workers_give_the_same_tables_as_one(tmp_path):
    source = write_input(tmp_path / "input.jsonl")
    result = vnextract("extract", source, HTML_PAGE, SAMPLE, "--out", tmp_path / "two", "--workers", "2")
    assert result.returncode == 1, result.stderr
    single = vnextract("extract", source, HTML_PAGE, SAMPLE, "--out", tmp_path / "one", "--workers", "1")
    one, two = read_tables(tmp_path / "one", "parquet"), read_tables(tmp_path / "two", "parquet")
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(one[name], two[name], obj=name)
    assert single.stdout.splitlines()[:2] == result.stdout.splitlines()[:2]


# --- evaluate ---------------------------------------------------------------------------------


@pytest.mark.skipif(not (SHARED / "gold" / "dev.jsonl").is_file(), reason="../shared/gold not available")
def test_evaluate_prints_precision_recall_and_f1():
    result = vnextract("evaluate", SHARED / "gold" / "dev.jsonl", SHARED / "gold" / "dev_corpus.jsonl",
                       "--no-progress")
    assert result.returncode == 0, result.stderr
    header = next(line for line in result.stdout.splitlines() if line.startswith("kind"))
    assert header.split() == ["kind", "P", "R", "F1", "TP", "FP", "FN"]
    for kind in ("provinces", "officials", "agencies", "legal_documents"):
        row = next(line for line in result.stdout.splitlines() if line.startswith(kind + " "))
        precision, recall, f1 = map(float, row.split()[1:4])
        assert 0 <= precision <= 1 and 0 <= recall <= 1 and 0 <= f1 <= 1
    assert "without prediction" not in result.stdout.splitlines()[0]


@pytest.mark.skipif(not (SHARED / "gold" / "dev.jsonl").is_file(), reason="../shared/gold not available")
def test_evaluate_json():
    result = vnextract("evaluate", SHARED / "gold" / "dev.jsonl", SHARED / "gold" / "dev_corpus.jsonl", "--json")
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["articles"] == 15
    assert set(scores["provinces"]) >= {"precision", "recall", "f1"}


def test_evaluate_refuses_a_broken_gold_file(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"provinces": ["Hà Nội"]}\n', encoding="utf-8")
    result = vnextract("evaluate", gold, SAMPLE, timeout=120)
    assert result.returncode == 2
    assert "cannot read the gold file" in result.stderr
