"""`newsweave eval …`: score methods on the evaluation datasets; `--json` prints one object."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

from newsweave.cli.app import cli, echo_json, json_option
from newsweave.evaluate import harness, registry
from newsweave.evaluate.harness import DEFAULT_METHOD, PROTOCOLS, Report, score_peers
from newsweave.evaluate.rouge import RougeOptions


@cli.group("eval")
def eval_group() -> None:
    """Score newsweave's stages and library baselines on annotated datasets."""


def _render(report: Report) -> None:
    """A report for people: where, what, how long, then the scores."""
    kind = "baseline" if report.baseline else "method"
    click.echo(
        f"{report.task} · dataset {report.dataset} · {report.n} items · {kind} {report.method}"
        f" · {report.seconds:.2f} s"
    )
    for key, value in {**report.params, **report.notes}.items():
        if value is not None:
            click.echo(f"  {key}: {value}")
    width = max((len(k) for k in report.scores), default=0)
    for key, value in report.scores.items():
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        click.echo(f"  {key:<{width}}  {shown}")


def _emit(report: Report, as_json: bool) -> None:
    if as_json:
        echo_json(report.to_json())
    else:
        _render(report)


data_argument = click.argument("data", type=click.Path(exists=True, dir_okay=False))
limit_option = click.option(
    "--limit", type=click.IntRange(min=1), default=None, help="First K items only."
)


def method_option(task: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--method",
        default=DEFAULT_METHOD,
        show_default=True,
        help=f"A registered {task} method (see `newsweave eval methods {task}`).",
    )


def _rouge_table(reports: Sequence[Report], metrics: Sequence[str]) -> None:
    first = reports[0]
    click.echo(
        f"rouge · dataset {first.dataset} · ROUGE-1.5.5 {first.params['rouge']}"
        f" · {sum(r.seconds for r in reports):.2f} s"
    )
    header = f"{'system':<14}{'n':>4}" + "".join(
        f"{m + '_' + k:>12}" for m in metrics for k in "rpf"
    )
    click.echo(header)
    for report in reports:
        row = f"{report.method:<14}{report.n:>4}"
        row += "".join(f"{report.scores[f'{m}_{k}']:>12.2f}" for m in metrics for k in "rpf")
        click.echo(row)


@eval_group.command("rouge")
@click.argument("references", type=click.Path(exists=True, dir_okay=False))
@click.argument("peers", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--words", default=100, show_default=True, help="Keep the first N words (-l); 0 = all."
)
@click.option("--bytes", "nbytes", default=0, help="Keep the first N bytes instead (-b).")
@click.option("--stem/--no-stem", default=True, show_default=True, help="Porter stemming (-m).")
@click.option("--remove-stopwords", is_flag=True, help="Drop SMART common words (-s).")
@click.option(
    "--formula",
    type=click.Choice(["A", "B"]),
    default="A",
    show_default=True,
    help="A: pool all references; B: best reference (-f).",
)
@click.option("--alpha", default=0.5, show_default=True, help="F-measure weight of precision (-p).")
@click.option("--resamples", default=1000, show_default=True, help="Bootstrap resamples (-r).")
@click.option("--system", default=None, help="Score only this system of PEERS.")
@json_option
def rouge_command(
    references: str,
    peers: str,
    words: int,
    nbytes: int,
    stem: bool,
    remove_stopwords: bool,
    formula: str,
    alpha: float,
    resamples: int,
    system: str | None,
    as_json: bool,
) -> None:
    """ROUGE of PEERS ({"id","summary","system"}) against REFERENCES (an MDS file or
    {"id","summaries"}), as ROUGE-1.5.5 computes it.

    With several systems in PEERS, --json prints {"dataset", "n", "seconds", "systems": [...]},
    one flat object per system; with one system (or --system), the flat object alone.
    """
    options = RougeOptions(
        words=words,
        bytes=nbytes,
        stem=stem,
        remove_stopwords=remove_stopwords,
        formula="A" if formula == "A" else "B",
        alpha=alpha,
        resamples=resamples,
    )
    reports = score_peers(references, peers, options, system=system)
    if as_json:
        if len(reports) == 1:
            echo_json(reports[0].to_json())
        else:
            out: dict[str, Any] = {
                "task": "rouge",
                "dataset": reports[0].dataset,
                "method": "rouge-1.5.5",
                "n": sum(r.n for r in reports),
                "seconds": round(sum(r.seconds for r in reports), 3),
                "params": dict(reports[0].params),
                "systems": [r.to_json() for r in reports],
            }
            echo_json(out)
        return
    _rouge_table(reports, options.metrics)


@eval_group.command("summarize")
@data_argument
@method_option("summarize")
@click.option(
    "--words", type=click.IntRange(min=1), default=None, help="Word budget (and ROUGE cut)."
)
@click.option(
    "--protocol",
    type=click.Choice(sorted(PROTOCOLS)),
    default=None,
    help="Scoring protocol; default from the file name (duc*, multinews*, multiling*).",
)
@limit_option
@json_option
def summarize_command(
    data: str,
    method: str,
    words: int | None,
    protocol: str | None,
    limit: int | None,
    as_json: bool,
) -> None:
    """ROUGE of a method's summaries of the MDS clusters in DATA.

    \b
    Protocols (the word budget, and the ROUGE measure to read):
      duc             100 words, recall (DUC 2003/2004)
      duc2007-update  100 words, recall; B and C get the earlier subsets as background
      multiling       250 words, recall (TAC 2011 MultiLing)
      multinews       256 words, F-measure (Multi-News)
    """
    report = harness.evaluate_summarize(data, method, words=words, limit=limit, protocol=protocol)
    _emit(report, as_json)


@eval_group.command("cluster")
@data_argument
@method_option("cluster")
@click.option(
    "--limit", type=click.IntRange(min=1), default=None, help="First K gold clusters only."
)
@json_option
def cluster_command(data: str, method: str, limit: int | None, as_json: bool) -> None:
    """B-cubed, pairwise P/R/F1, ARI and NMI of a method's clusters of the articles in DATA."""
    _emit(harness.evaluate_cluster(data, method, limit=limit), as_json)


@eval_group.command("pairs")
@data_argument
@method_option("pairs")
@click.option(
    "--tune-on",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Tune the threshold on this labelled file (else 5-fold cross-validation on DATA).",
)
@click.option(
    "--objective",
    type=click.Choice(["accuracy", "f1"]),
    default="accuracy",
    show_default=True,
    help="What the threshold maximises.",
)
@limit_option
@json_option
def pairs_command(
    data: str, method: str, tune_on: str | None, objective: str, limit: int | None, as_json: bool
) -> None:
    """Accuracy, P/R/F1 at the threshold and ROC AUC of a method's pair scores on DATA."""
    report = harness.evaluate_pairs(data, method, tune_on=tune_on, objective=objective, limit=limit)
    _emit(report, as_json)


@eval_group.command("quotes")
@data_argument
@method_option("quotes")
@limit_option
@json_option
def quotes_command(data: str, method: str, limit: int | None, as_json: bool) -> None:
    """Quote spans (direct and all, exact and overlap) and speakers against DATA (PolNeAR)."""
    _emit(harness.evaluate_quotes(data, method, limit=limit), as_json)


@eval_group.command("ner")
@data_argument
@method_option("ner")
@limit_option
@json_option
def ner_command(data: str, method: str, limit: int | None, as_json: bool) -> None:
    """Exact-match entity P/R/F1, overall and per type, against DATA (CoNLL-2003)."""
    _emit(harness.evaluate_ner(data, method, limit=limit), as_json)


@eval_group.command("extract")
@data_argument
@method_option("extract")
@limit_option
@json_option
def extract_command(data: str, method: str, limit: int | None, as_json: bool) -> None:
    """Article-text extraction scored over word 4-grams against DATA's gold text."""
    _emit(harness.evaluate_extract(data, method, limit=limit), as_json)


@eval_group.command("methods")
@click.argument("task", required=False, type=click.Choice(registry.TASKS))
@json_option
def methods_command(task: str | None, as_json: bool) -> None:
    """List the registered methods (of TASK, or of every task)."""
    tasks = [task] if task else list(registry.TASKS)
    listing = {
        t: [
            {
                "name": m.name,
                "baseline": m.baseline,
                "description": m.description,
                "params": dict(m.params),
            }
            for m in registry.methods(t).values()
        ]
        for t in tasks
    }
    if as_json:
        echo_json(listing)
        return
    for t, found in listing.items():
        click.echo(f"{t}:")
        if not found:
            click.echo("  (none registered)")
        for m in found:
            kind = "baseline" if m["baseline"] else "newsweave"
            click.echo(f"  {m['name']:<24} {kind:<10} {m['description']}")
