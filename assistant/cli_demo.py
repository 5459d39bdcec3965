"""`segment demo`: the product's main steps on the bundled Online Retail data.

Imported only by the demo command (it pulls in the engine).
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.rule import Rule

from assistant.cli_common import DataArgs, load_data
from assistant.cli_render import (
    console,
    render_cluster,
    render_inspect,
    render_members,
    render_profile,
    render_rfm,
)
from assistant.cli_segments import call_tool, clustering_summary, evaluate_definition, rfm_run
from tools.datasets import DEMO_FILE
from tools.engine.dataset import MONETARY, RECENCY
from tools.engine.definitions import And, Compare, RfmSegment, SegmentDefinition

# A request a marketer would make: big spenders who have gone quiet.
DEMO_SEGMENT = SegmentDefinition(
    name="lapsed big spenders",
    condition=And(all=[Compare(column=MONETARY, op=">", value=1000),
                       Compare(column=RECENCY, op=">", value=90)]),
    notes="spent over 1,000 but no order in the last 90 days",
)


def run_demo(workspace: Path) -> None:
    from tools.toolkit import GivenSegment, Toolkit  # the tools load scikit-learn

    out = console()
    started = time.perf_counter()
    out.print(Rule("1. The data"))
    out.print(f"Loading the bundled UCI Online Retail order lines ({DEMO_FILE.name}); "
              "the first run takes a few seconds, later runs use the cache in "
              f"{workspace / 'cache'}.")
    data = load_data(DataArgs(DEMO_FILE, None, None, None, workspace))
    render_inspect(out, data)
    currency = data.source.currency

    out.print(Rule("2. RFM segments"))
    out.print("Recency, frequency and monetary scores 1-5 (quintiles), named from R and F.")
    rfm = rfm_run(data, "id", grid=False)  # the steps call the tools, as the chat does
    render_rfm(out, rfm.artifact.summaries, data, rfm.artifact.scheme, rfm.summary)

    out.print(Rule("3. A segment from a rule"))
    out.print('Request: "customers who spent over 1,000 but haven\'t bought in the last 90 days"')
    result = evaluate_definition(DEMO_SEGMENT, data, workspace)
    render_members(out, result.label, result.size, data.n_customers, result.description)
    out.print("As YAML (save it with `segment define FILE.yaml --data FILE --save`):")
    out.print(DEMO_SEGMENT.to_yaml().rstrip(), markup=False)

    out.print(Rule("4. A profile: Champions"))
    toolkit = Toolkit(data)  # the RFM segment, whatever a saved segment is called
    toolkit.give_segment("Champions", GivenSegment("Champions",
                                                   RfmSegment(segments=["Champions"])))
    champions = call_tool(toolkit, "profile_segment", {"name": "Champions"}).summary
    render_profile(out, champions.pop("segment"), champions, currency)

    out.print(Rule("5. Clusters (k-means, k chosen from the data)"))
    render_cluster(out, clustering_summary(data, None, None), currency)

    out.print(Rule())
    out.print(f"Done in {time.perf_counter() - started:.1f} s. Talk to it: "
              "`.venv/bin/segment chat --demo`. On your own file: "
              "`segment data inspect FILE`, `segment ask \"customers who spent over 500\" "
              "--data FILE`.")
