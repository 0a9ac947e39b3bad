"""The notebooks: stored clean, free of logic, and running headless; and the functions they call.

The execution tests run each notebook in a fresh kernel (the ``python3``
kernel of this interpreter, via ipykernel) with a temporary working
directory, and never save it: the repository is not written to.
"""

from __future__ import annotations

import ast
import json
import os
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

import extract
from extract.explore import charts, summaries
from extract.explore.article import ArticleView, busiest_article, look_up_article, stored_view
from extract.explore.results import article_inputs, sample_inputs
from extract.tables import Rows, Tables

ROOT = Path(extract.__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
EXPECTED = {"01_one_article.ipynb", "02_archive.ipynb"}
TIMEOUT = 300
FORBIDDEN = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.For, ast.While, ast.If,
             ast.IfExp, ast.Try, ast.With, ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(path: Path) -> list[str]:
    return ["".join(cell["source"]) for cell in load(path)["cells"] if cell["cell_type"] == "code"]


def python_of(source: str) -> ast.Module:
    """A cell's Python without its IPython magics (``%matplotlib inline``)."""
    return ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))


def test_the_notebooks_are_there() -> None:
    assert EXPECTED <= {path.name for path in NOTEBOOKS}


# --- the nbstripout guard ---------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    notebook = load(path)
    assert notebook["nbformat"] == 4
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: a cell has outputs; strip them (nbstripout)"
            assert cell["execution_count"] is None, f"{path.name}: a cell has an execution count"
        assert not cell.get("attachments"), f"{path.name}: a cell has attachments"
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    assert set(notebook["metadata"]) <= {"kernelspec", "language_info"}, "notebook metadata carries run state"


# --- the standards: settings first, no logic in cells -------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_sets_results_only(path: Path) -> None:
    first = python_of(code_cells(path)[0])
    assert len(first.body) == 1
    statement = first.body[0]
    assert isinstance(statement, ast.Assign) and [t.id for t in statement.targets] == ["RESULTS"]
    assert isinstance(statement.value, ast.Constant) and statement.value.value is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_cells_hold_no_logic(path: Path) -> None:
    for source in code_cells(path):
        for node in ast.walk(python_of(source)):
            assert not isinstance(node, FORBIDDEN), f"{path.name}: {type(node).__name__} in cell:\n{source}"
            if isinstance(node, ast.Import):
                pytest.fail(f"{path.name}: plain import in cell (import from extract): {source}")
            if isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] == "extract", f"{path.name}: imports {node.module}"


# --- running them -----------------------------------------------------------------------------


def outputs_of(notebook) -> list[dict]:
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_headless_with_a_chart_and_an_entity_view(path: Path, tmp_path: Path, monkeypatch) -> None:
    import nbformat  # the test dependencies: nbformat, nbclient, ipykernel (no skip: a missing one fails)
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient

    spec = KernelSpecManager().get_kernel_spec("python3")  # ipykernel must be installed here
    assert Path(spec.argv[0]).name.startswith("python"), spec.argv
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    stored, listing = path.read_bytes(), sorted(NOTEBOOK_DIR.iterdir())
    notebook = nbformat.reads(stored.decode("utf-8"), as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import sys\nprint(sys.executable)"))
    client = NotebookClient(notebook, timeout=TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()

    outputs = outputs_of(notebook)
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors, "\n".join(f"{e.ename}: {e.evalue}" for e in errors)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, f"{path.name} shows no chart"
    views = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})
             and 'class="entities"' in o["data"]["text/html"]]
    assert views, f"{path.name} shows no entity view"
    assert any("OFFICIAL" in view for view in views) and any("PROVINCE" in view for view in views)
    stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    assert "missing from font" not in stderr, stderr
    assert outputs[-1]["text"].strip() == str(Path(sys.executable)), "the kernel runs another interpreter"
    assert path.read_bytes() == stored, "executing changed the stored notebook"
    assert sorted(NOTEBOOK_DIR.iterdir()) == listing, "executing wrote into notebooks/"


# --- the functions the notebooks call -----------------------------------------------------------


def archive() -> Tables:
    return Rows(
        articles=[
            {"article_id": "a", "title": "Tin A", "published": "2025-06-30T23:30:00+07:00", "n_chars": 200},
            {"article_id": "b", "title": "Tin <B>", "published": "2025-08-02", "n_chars": 120},
            {"article_id": "c", "title": "Tin C", "published": None, "n_chars": 80},
            {"article_id": "d", "title": "Tin D", "published": "03/10/2023", "n_chars": 50},
        ],
        officials=[
            {"article_id": "a", "name": "Nguyễn Hồng Hà", "title": "Phó Chủ tịch",
             "organization": "Ủy ban nhân dân tỉnh Bình Dương", "province": "Bình Dương", "mentions": 3},
            {"article_id": "a", "name": "Nguyễn Hồng Hà", "title": "Ủy viên Ban Thường vụ",
             "organization": "Tỉnh ủy Bình Dương", "province": "Bình Dương", "mentions": 3},
            {"article_id": "b", "name": "Nguyễn Hồng Hà", "title": "Phó Chủ tịch",
             "organization": "Ủy ban nhân dân tỉnh Bình Dương", "province": "Bình Dương", "mentions": 1},
            {"article_id": "c", "name": "Lò Văn Thắng", "title": "Phó Bí thư", "organization": "Tỉnh ủy Sơn La",
             "province": "Sơn La", "mentions": 2},
        ],
        provinces=[
            {"article_id": "a", "province": "Bình Dương", "province_2025": "Hồ Chí Minh", "mentions": 2},
            {"article_id": "b", "province": "Hồ Chí Minh", "province_2025": "Hồ Chí Minh", "mentions": 1},
            {"article_id": "c", "province": "Sơn La", "province_2025": "Sơn La", "mentions": 4},
        ],
        agencies=[{"article_id": "a", "agency": "Tỉnh ủy Bình Dương", "parent": None, "province": "Bình Dương",
                   "mentions": 1, "kind": "party"}],
        legal_documents=[
            {"article_id": "a", "doc_type": "Nghị quyết", "number": "18-NQ/TW", "mentions": 2},
            {"article_id": "b", "doc_type": "Nghị quyết", "number": "18-NQ/TW", "mentions": 1},
            {"article_id": "c", "doc_type": "Nghị quyết", "number": "18-NQ/TW", "mentions": 1},
            {"article_id": "c", "doc_type": "Luật", "number": None, "title": "An ninh mạng", "mentions": 1},
        ],
        mentions=[
            {"article_id": "a", "kind": "official", "text": "ông Hà", "start": 5, "end": 11, "canonical": "x"},
            {"article_id": "a", "kind": "province", "text": "Bình Dương", "start": 20, "end": 30, "canonical": "x"},
            {"article_id": "b", "kind": "official", "text": "ông Hà", "start": 1, "end": 7, "canonical": "x"},
            {"article_id": "c", "kind": "legal_document", "text": "Luật", "start": 1, "end": 5, "canonical": "x"},
        ],
    ).to_tables()


def test_top_officials_counts_articles_and_mentions_once_per_article() -> None:
    top = summaries.top_officials(archive())
    assert top["name"].tolist() == ["Nguyễn Hồng Hà", "Lò Văn Thắng"]
    first = top.iloc[0]
    assert (first["articles"], first["mentions"]) == (2, 4)  # 3 (two position rows) + 1, not 7
    assert first["positions"].startswith("Phó Chủ tịch, Ủy ban nhân dân tỉnh Bình Dương")
    assert "Ủy viên Ban Thường vụ, Tỉnh ủy Bình Dương" in first["positions"]


def test_published_dates_keep_local_time_and_refuse_ambiguous_dates() -> None:
    dates = summaries.published_dates(archive().articles)
    assert dates["a"] == pd.Timestamp("2025-06-30 23:30")  # June, not 1 July in UTC
    assert pd.isna(dates["c"]) and pd.isna(dates["d"])  # "03/10/2023" is not ISO: not guessed


def test_cited_documents_first_and_last_seen() -> None:
    docs = summaries.cited_documents(archive()).set_index("document")
    row = docs.loc["Nghị quyết 18-NQ/TW"]
    assert (row["articles"], row["mentions"], row["undated"]) == (3, 4, 1)
    assert row["first_seen"] == pd.Timestamp("2025-06-30 23:30") and row["last_seen"] == pd.Timestamp("2025-08-02")
    assert pd.isna(docs.loc["Luật An ninh mạng", "first_seen"])
    assert docs.index[0] == "Nghị quyết 18-NQ/TW"


def test_timeline_by_month_says_what_is_undated() -> None:
    timeline = summaries.monthly_timeline(archive())
    assert timeline.counts.index.strftime("%Y-%m").tolist() == ["2025-06", "2025-07", "2025-08"]
    assert timeline.counts["official"].tolist() == [1, 0, 1]
    assert timeline.counts["articles"].tolist() == [1, 0, 1]
    assert (timeline.dated_articles, timeline.undated_articles) == (2, 2)
    assert "2 articles have no date" in timeline.note
    undated = Rows(articles=[{"article_id": "x", "published": None}, {"article_id": "y", "published": ""}])
    assert summaries.monthly_timeline(undated.to_tables()).note == (
        "None of the 2 articles has a publication date: no timeline.")


def test_cooccurrence_counts_shared_articles() -> None:
    table = summaries.cooccurrence(archive())
    assert table.loc["Nguyễn Hồng Hà", "Bình Dương"] == 1
    assert table.loc["Nguyễn Hồng Hà", "Hồ Chí Minh"] == 1
    assert table.loc["Nguyễn Hồng Hà", "Sơn La"] == 0
    assert table.loc["Lò Văn Thắng", "Sơn La"] == 1
    by_2025 = summaries.cooccurrence(archive(), column="province_2025")
    assert by_2025.loc["Nguyễn Hồng Hà", "Hồ Chí Minh"] == 2


def test_merger_flows_and_new_provinces() -> None:
    flows = summaries.merger_flows(archive())
    merged = flows.set_index("province")["merged"]
    assert bool(merged["Bình Dương"]) and not bool(merged["Sơn La"])
    new = summaries.new_provinces(archive()).set_index("province_2025")
    assert new.loc["Hồ Chí Minh", "articles"] == 2 and new.loc["Hồ Chí Minh", "names"] == 2
    assert "Bình Dương (1)" in new.loc["Hồ Chí Minh", "predecessors"] and bool(new.loc["Hồ Chí Minh", "merged"])


@pytest.mark.parametrize("tables", [archive(), Tables.empty()], ids=["archive", "empty"])
def test_charts_are_figures_with_vietnamese_glyphs(tables: Tables) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a warning: fail on it
        figures = [
            charts.ranking_chart(summaries.top_officials(tables), "name", title="Quan chức"),
            charts.timeline_chart(summaries.monthly_timeline(tables)),
            charts.cooccurrence_chart(summaries.cooccurrence(tables)),
            charts.merger_chart(summaries.new_provinces(tables)),
            charts.mention_map_chart(tables.mentions),
        ]
        for figure in figures:
            assert isinstance(figure, Figure)
            figure.canvas.draw()
    assert all(figure.axes for figure in figures)


def test_summaries_of_empty_tables_are_empty() -> None:
    empty = Tables.empty()
    for function in (summaries.top_officials, summaries.top_agencies, summaries.top_provinces,
                     summaries.cited_documents, summaries.merger_flows, summaries.new_provinces):
        assert function(empty).empty, function.__name__


def test_stored_view_shows_rows_and_escapes_text() -> None:
    tables = archive()
    assert busiest_article(tables) == "a"
    view = stored_view(tables, "b", "no text <here>")
    assert isinstance(view, ArticleView) and not view.has_text
    assert len(view.records()["officials"]) == 1 and "article_id" not in view.records()["officials"]
    html = view._repr_html_()
    assert "Tin &lt;B&gt;" in html and "no text &lt;here&gt;" in html and "Nguyễn Hồng Hà" in html


def test_look_up_article_without_inputs_says_where_to_point() -> None:
    view = look_up_article(archive(), article_inputs("results/", None), extractor=None)
    assert view.article_id == "a" and not view.has_text
    assert "ARTICLES" in view.markup


def test_article_inputs_default_to_the_sample() -> None:
    assert article_inputs(None, None) == sample_inputs()
    assert article_inputs("results/", "news.jsonl") == [Path("news.jsonl")]
    assert all(path.exists() for path in sample_inputs())
