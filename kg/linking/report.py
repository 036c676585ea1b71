"""The `qcollab link` report as rich tables: links written, candidates to confirm, unmatched."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from kg.linking.run import PREF, LinkReport, Scored, curie
from kg.linking.sources import RDFS_LABEL


def _checks(scored: Scored) -> str:
    """The evidence in short: how the name matched, and which checks agreed."""
    side = "alias" if scored.local_field != PREF or scored.remote_field != RDFS_LABEL else "label"
    parts = [f"exact {side}" if scored.exact else f"similar {side}"]
    for item in scored.evidence[1:]:
        if item.startswith("type"):
            parts.append("type ok")
        elif item.startswith("ISO"):
            parts.append(item.replace("ISO 3166-1 alpha-2 ", "ISO ").replace(" agrees", ""))
        elif item.startswith("owl:sameAs"):
            parts.append("sameAs chain")
    return ", ".join(parts)


def print_report(report: LinkReport, console: Console) -> None:
    """Per target: the links, the candidates below the threshold for a person to confirm, the rest."""
    action = "written" if report.written else "not written (dry run)"
    console.print(
        f"{report.entities} entities matched at threshold {report.threshold:.2f}; links {action}."
    )
    for target in report.targets.values():
        title = target.profile.title
        console.print(f"\n[bold]{title}[/bold] from {target.source} → <{target.profile.graph}>")
        links = Table("entity", "link", "target", "score", "matched on", title=f"{title}: links")
        for link in target.links:
            links.add_row(
                f"{link.entity.label} ({link.entity.class_name})",
                curie(link.predicate),
                f"{curie(link.target)} {link.scored.candidate.label()}",
                f"{link.scored.score:.2f}",
                f"{link.scored.match_string!r}: {_checks(link.scored)}",
            )
        console.print(links)
        review = Table(
            "entity", "candidate", "score", "matched on", "why not linked",
            title=f"{title}: candidates below the threshold, to confirm",
        )
        for entity, candidates, reason in target.review:
            for index, scored in enumerate(candidates):
                review.add_row(
                    f"{entity.label} ({entity.class_name})" if index == 0 else "",
                    f"{curie(scored.candidate.iri)} {scored.candidate.label()}",
                    f"{scored.score:.2f}",
                    f"{scored.match_string!r}: {_checks(scored)}",
                    reason if index == 0 else "",
                )
        console.print(review)
        unmatched = Table("entity", "rejected candidates", title=f"{title}: unmatched")
        for entity, rejected in target.unmatched:
            unmatched.add_row(
                f"{entity.label} ({entity.class_name})",
                "; ".join(f"{curie(s.candidate.iri)}: {s.rejected}" for s in rejected) or "no candidate",
            )
        console.print(unmatched)
        console.print(
            f"{title}: {len(target.links)} linked, {len(target.review)} to confirm, "
            f"{len(target.unmatched)} unmatched"
        )
