"""A regulator watches the city's conformance alerts and conflicts as they happen, and is told
when the watch had to reconnect (alerts in the gap may be missing).

    python examples/regulator_watch.py [how_many]         # reads AIRSPACE_TARGET, AIRSPACE_TOKEN
"""

import os
import sys

from airspace.sdk import AirspaceClient, Reconnected, describe_event
from airspace.v1.monitor_service_pb2 import EVENT_KIND_CONFLICT, EVENT_KIND_CONFORMANCE

target = os.environ.get("AIRSPACE_TARGET", "localhost:50051")
token = os.environ.get("AIRSPACE_TOKEN", "demo-regulator")
wanted = int(sys.argv[1]) if len(sys.argv) > 1 else None  # None: watch until Ctrl-C


def gap(news: Reconnected) -> None:
    print(f"reconnected after {news.gap_s:.1f} s ({news.cause}): alerts may be missing")


with AirspaceClient(target, token=token) as client:
    alerts = client.watch_airspace(
        kinds=[EVENT_KIND_CONFORMANCE, EVENT_KIND_CONFLICT], on_reconnect=gap
    )
    for seen, alert in enumerate(alerts, start=1):
        print(describe_event(alert), flush=True)
        if seen == wanted:
            break
