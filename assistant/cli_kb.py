"""`segment kb build|search|stats|eval` and `segment campaign`: the knowledge base commands.

Registered on the main app with `register(app)`. ChromaDB, pandas and the engine are
imported inside the commands, so `segment --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.cli_common import (
    DEFAULT_WORKSPACE,
    AsOfOpt,
    DataArgs,
    DataOpt,
    JsonOpt,
    MapOpt,
    TableOpt,
    WorkspaceOpt,
    fail,
    guarded,
    load_data,
    named_segment,
    print_json,
)
from assistant.kb_answers import evaluate_answers, is_answer_file
from assistant.user_cache import shared_knowledge_folder
from tools.knowledge.evaluation import evaluate_retrieval

if TYPE_CHECKING:
    from rich.console import Console

    from tools.engine.dataset import CustomerData
    from tools.knowledge.store import KnowledgeStore

LANGUAGES = ("en", "zh", "ru")
_SNIPPET = 160

LangOpt = Annotated[str | None, typer.Option(
    "--lang", help="Language of the passages: en, zh or ru (default: the query's own).")]
OutLangOpt = Annotated[str, typer.Option(
    "--lang", help="Language of the plan: en, zh or ru.")]


def _store(workspace: Path) -> KnowledgeStore:
    from tools.knowledge.store import KnowledgeStore

    return KnowledgeStore(workspace, shared=shared_knowledge_folder())


def _console() -> Console:
    from assistant.cli_render import console

    return console()


def _check_lang(lang: str | None) -> None:
    if lang is not None and lang not in LANGUAGES:
        fail(f"--lang {lang}: the knowledge base is in en, zh and ru", list(LANGUAGES))


@guarded
def kb_build(
    force: Annotated[bool, typer.Option(
        "--force", help="Rebuild even when the stored index is up to date.")] = False,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Index the knowledge base in the workspace (done on first use anyway)."""
    from assistant.progress import progress_bar

    with progress_bar("Knowledge base", summaries=not as_json) as progress:
        report = _store(workspace).build(force=force, progress=progress)
    if as_json:
        print_json(report)
        return
    verb = "Built" if report.rebuilt else "Up to date:"
    languages = ", ".join(f"{n} {lang}" for lang, n in report.languages.items())
    _console().print(f"{verb} {report.passages} passages from {report.files} files "
                     f"({languages}) in {report.path} [{report.seconds:.1f} s]")


@guarded
def kb_search(
    query: Annotated[str, typer.Argument(help="What to look for, in any of the three "
                                         "languages.", show_default=False)],
    k: Annotated[int, typer.Option("-k", min=1, max=20, help="How many passages.")] = 3,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """The passages closest to QUERY, with the file and section they come from."""
    _check_lang(lang)
    hits = _store(workspace).search(query, k=k, lang=lang)
    if as_json:
        print_json({"query": query, "hits": [h.to_dict() | {"score": h.score} for h in hits]})
        return
    from rich.table import Table

    table = Table(show_lines=True)
    for column in ("#", "score", "source", "passage"):
        table.add_column(column, overflow="fold")
    for rank, hit in enumerate(hits, 1):
        snippet = " ".join(hit.text.split())
        if len(snippet) > _SNIPPET:
            snippet = snippet[:_SNIPPET].rstrip() + "…"
        table.add_row(str(rank), f"{hit.score:.3f}", f"{hit.file}\n§ {hit.section}", snippet)
    _console().print(table)


@guarded
def kb_stats(as_json: JsonOpt = False, workspace: WorkspaceOpt = DEFAULT_WORKSPACE) -> None:
    """What is indexed: files, passages per language, and whether the index is current."""
    stats = _store(workspace).stats()
    if as_json:
        print_json(stats)
        return
    state = "built" if stats.built else "not built yet (built on first search)"
    languages = ", ".join(f"{n} {lang}" for lang, n in stats.languages.items())
    _console().print(f"Knowledge base: {stats.files} files, {stats.passages} passages "
                     f"({languages}); index {state} in {stats.path} "
                     f"(corpus {stats.content_hash[:12]}, embedding {stats.embedding or '-'})")


@guarded
def kb_eval(
    cases: Annotated[list[Path], typer.Argument(
        help="JSON-lines case files: retrieval questions (id, lang, question, "
             "expect_any_terms, expect_doc) or answer-level cases (id, lang, question, "
             "answer_terms, setup?, tool?, data?).", show_default=False)],
    k: Annotated[int, typer.Option("-k", min=1, max=20, help="Passages that count.")] = 3,
    target: Annotated[float, typer.Option(
        "--target", min=0.0, max=1.0,
        help="Hit (or pass) rate every language must reach; below it the exit code is 1.")
    ] = 0.9,
    orders: Annotated[Path | None, typer.Option(
        "--data", help="An order log the answer-level cases talk about (their sessions).",
        show_default=False)] = None,
    customers: Annotated[Path | None, typer.Option(
        "--customers", help="A customer table for the answer-level cases marked "
                            '"data": "table".', show_default=False)] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Retrieval hit rate at k per language, and the answer-level pass rate: does the reply
    itself answer, in the question's language, cited?"""
    for path in cases:
        if not path.is_file():
            fail(f"file not found: {path}")
    answer_files = [p for p in cases if is_answer_file(p)]
    retrieval_files = [p for p in cases if p not in answer_files]
    if answer_files and orders is None and customers is None:
        fail("answer-level cases need data to talk about: add --data ORDERS_FILE "
             "(and --customers TABLE_FILE for cases on a customer table)")
    output: dict[str, Any] = {"target": target}
    passed = True
    if retrieval_files:
        report = evaluate_retrieval(_store(workspace), retrieval_files, k=k)
        passed = report.passed(target)
        output |= report.to_dict() | {"passed": passed}
        if not as_json:
            _render_eval(report, target)
    if answer_files:
        answers = _answer_eval(answer_files, orders, customers, workspace)
        passed = passed and answers.reached(target)
        output["answers"] = answers.to_dict() | {"passed": answers.reached(target)}
        output["passed"] = passed
        if not as_json:
            _render_answers(answers, target)
    if as_json:
        print_json(output)
    if not passed:
        raise typer.Exit(1)


def _answer_eval(paths: list[Path], orders: Path | None, customers: Path | None,
                 workspace: Path) -> Any:
    from assistant.core import Assistant
    from tools.engine.loading import load_customer_data

    bots = {kind: Assistant(load_customer_data(path), workspace=workspace)
            for kind, path in (("log", orders), ("table", customers)) if path is not None}
    try:
        return evaluate_answers(paths, bots)
    except ValueError as exc:
        fail(str(exc))


def _rates_table(title: str, by_language: dict[str, dict[str, Any]], counted: tuple[str, str],
                 rate: tuple[str, str], target: float) -> Any:
    """Per language: questions, how many counted (header, key) and the rate (header, key),
    marked when below `target`."""
    from rich.table import Table

    table = Table(title=title)
    for column in ("language", "questions", counted[0], rate[0]):
        table.add_column(column, justify="left" if column == "language" else "right")
    for lang, row in by_language.items():
        mark = "" if row[rate[1]] >= target else " (below target)"
        table.add_row(lang, str(row["cases"]), str(row[counted[1]]),
                      f"{100 * row[rate[1]]:.1f}%{mark}")
    return table


def _render_answers(report: Any, target: float) -> None:
    out = _console()
    out.print(_rates_table("Answer-level pass rate (term, language, citation, not a heading)",
                           report.by_language, ("answered", "passed"),
                           ("pass rate", "pass_rate"), target))
    if report.skipped:
        out.print(f"{report.skipped} cases skipped: no data of their kind was given")
    for failure in report.failures:
        out.print(f"miss {failure.id} ({failure.lang}): {failure.question} | "
                  f"{'; '.join(failure.problems)}", soft_wrap=True)


def _render_eval(report: Any, target: float) -> None:
    out = _console()
    out.print(_rates_table(f"Retrieval hit rate at {report.k}", report.by_language,
                           ("hits", "hits"), ("hit rate", "hit_rate"), target))
    for failure in report.failures:
        out.print(f"miss {failure.id} ({failure.lang}): {failure.question} | expected "
                  f"{failure.expected} | got {'; '.join(failure.found)}", soft_wrap=True)


def segment_facts(name: str, data: CustomerData, workspace: Path) -> dict[str, Any]:
    """What a campaign or an explanation needs to know about a segment, from the engine."""
    from tools.engine.profiles import profile
    from tools.knowledge.segment_facts import segment_reading

    chosen = named_segment(name, data, workspace)
    description = ""
    if chosen.condition is not None and chosen.kind not in ("rfm", "lifecycle"):
        from tools.engine.describe import describe

        description = describe(chosen.condition, data)
    return {"name": chosen.label, "kind": chosen.kind, "description": description,
            **profile(data, chosen.mask).to_dict(), **segment_reading(data, chosen.mask)}


@guarded
def campaign(
    segment: Annotated[str, typer.Argument(
        help="A saved segment, an RFM segment (e.g. Champions), a lifecycle stage or a "
             "YAML definition file.", show_default=False)],
    data_file: DataOpt,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Also write the plan to this Markdown file.")] = None,
    lang: OutLangOpt = "en",
    as_json: JsonOpt = False,
    maps: MapOpt = None,
    as_of: AsOfOpt = None,
    table: TableOpt = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """A campaign plan for SEGMENT from the playbooks, filled with the segment's numbers."""
    _check_lang(lang)
    from tools.knowledge.campaigns import campaign_plan

    data = load_data(DataArgs(data_file, maps, as_of, table, workspace))
    facts = segment_facts(segment, data, workspace)
    if facts["kind"] == "all":
        from tools.engine.rfm_scheme import default_scheme

        fail("a campaign plan is for one segment, not the whole base: name an RFM segment, "
             "a lifecycle stage or a saved segment", default_scheme().segment_names())
    if not facts.get("size"):
        fail(f"segment {facts['name']!r} has no customers in {data_file}: "
             "nothing to plan a campaign for")
    plan = campaign_plan(_store(workspace), facts, str(facts["name"]), lang=lang)
    markdown = plan.to_markdown()
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(markdown, encoding="utf-8")
    if as_json:
        print_json(plan.to_dict() | {"written_to": str(out) if out else None})
        return
    from rich.markdown import Markdown

    console = _console()
    console.print(Markdown(markdown))
    if out is not None:
        console.print(f"Plan written to {out}")


def register(app: typer.Typer) -> None:
    """Add `kb build|search|stats|eval` and `campaign` to the `segment` app."""
    kb_app = typer.Typer(help="The knowledge base behind explanations and campaign plans.",
                         no_args_is_help=True)
    kb_app.command("build")(kb_build)
    kb_app.command("search")(kb_search)
    kb_app.command("stats")(kb_stats)
    kb_app.command("eval")(kb_eval)
    app.add_typer(kb_app, name="kb")
    app.command("campaign")(campaign)
