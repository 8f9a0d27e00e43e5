"""`newsweave eval …`: score methods on the evaluation datasets; `--json` prints one object."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from newsweave.cli.app import cli, echo_json, json_option
from newsweave.evaluate.harness import Report, score_peers
from newsweave.evaluate.rouge import RougeOptions


@cli.group("eval")
def eval_group() -> None:
    """Score newsweave's stages and library baselines on annotated datasets."""


def _render(report: Report) -> None:
    """A report for people: where, what, how long, then the scores."""
    click.echo(
        f"{report.task} · dataset {report.dataset} · {report.n} items · method {report.method}"
        f" · {report.seconds:.2f} s"
    )
    for key, value in report.params.items():
        click.echo(f"  {key}: {value}")
    for key, value in report.notes.items():
        click.echo(f"  {key}: {value}")
    width = max((len(k) for k in report.scores), default=0)
    for key, value in report.scores.items():
        click.echo(
            f"  {key:<{width}}  {value:.4g}" if isinstance(value, float) else f"  {key}: {value}"
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
