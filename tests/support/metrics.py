"""/metrics read as Prometheus reads it: parsed with prometheus_client's own parser."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.support.slackbed import SlackBed

Key = tuple[str, frozenset[tuple[str, str]]]


class Scrape:
    """One page of /metrics: each sample's value by its name and labels."""

    def __init__(self, text: str) -> None:
        self.families = {family.name: family for family in text_string_to_metric_families(text)}
        self.samples: dict[Key, float] = {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in self.families.values()
            for sample in family.samples
        }

    def value(self, name: str, **labels: str) -> float:
        """The sample's value; 0 when the page has no such sample (a counter not counted yet)."""
        return self.samples.get((name, frozenset(labels.items())), 0.0)

    def has(self, name: str, **labels: str) -> bool:
        """Whether the page has this sample."""
        return (name, frozenset(labels.items())) in self.samples


def scrape(bed: SlackBed) -> Scrape:
    """GET /metrics from the bed's WSGI app; it must answer 200 in Prometheus's text format."""
    reply = bed.request("GET", "/metrics")
    assert reply.status == 200, reply.body[:200]
    assert reply.headers["content-type"].startswith("text/plain; version=0.0.4")
    return Scrape(reply.body.decode("utf-8"))
