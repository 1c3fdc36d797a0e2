"""An operator submits a delivery, and handles a refusal: the plans it conflicts with, where,
when, how close, and the service's suggested alternative, which it then submits.

    python examples/operator_plan.py [plan.geojson]      # reads AIRSPACE_TARGET, AIRSPACE_TOKEN
"""

import json
import os
import sys
import time
from pathlib import Path

from airspace.sdk import AirspaceClient, PlanRejected, plan_from_geojson

target = os.environ.get("AIRSPACE_TARGET", "localhost:50051")
token = os.environ.get("AIRSPACE_TOKEN", "demo-operator")
feature = json.loads(
    Path(sys.argv[1] if len(sys.argv) > 1 else "examples/delivery.geojson").read_text()
)
plan = plan_from_geojson(feature, departure_s=time.time() + 300)  # relative times start then

with AirspaceClient(target, token=token) as client:
    for attempt in ("first", "second"):  # the second, identical plan collides with the first
        try:
            answer = client.submit_flight_plan(plan, raise_if_rejected=True)
            print(attempt, "ACCEPTED", answer.flight_plan.flight_plan_id)
        except PlanRejected as rejected:
            print(attempt, "REJECTED:", rejected.message)
            for c in rejected.conflicts:
                print(
                    f"  conflicts with {c.flight_plan_id} near ({c.position.latitude_deg:.5f}, "
                    f"{c.position.longitude_deg:.5f}) at {c.altitude_m:.0f} m: "
                    f"{c.horizontal_separation_m:.0f} m apart"
                )
            alternative = rejected.suggested_alternative
            if alternative is None:
                sys.exit(1)
            print("  suggestion:", alternative.description)
            retried = client.submit_flight_plan(alternative.flight_plan, raise_if_rejected=True)
            print(attempt, "alternative ACCEPTED", retried.flight_plan.flight_plan_id)
