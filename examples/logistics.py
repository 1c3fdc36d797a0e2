"""A logistics firm's morning: connect, upload the orders, plan and book the fleet's flights,
then follow them until every flight is over.

    python examples/logistics.py [orders.json]      # reads AIRSPACE_TARGET, AIRSPACE_TOKEN
"""

import json
import os
import sys
import time
from pathlib import Path

from airspace.sdk import AirspaceClient, deliveries_request, describe_event
from airspace.v1.flight_plan_pb2 import FlightPlanState

OVER = {FlightPlanState.Value(f"FLIGHT_PLAN_STATE_{s}") for s in ("ENDED", "CANCELLED")}
target = os.environ.get("AIRSPACE_TARGET", "localhost:50051")
token = os.environ.get("AIRSPACE_TOKEN", "demo-operator")

# The ten lines: orders in, conflict-free booked flights out, their events followed.
orders = json.loads(Path(sys.argv[1] if len(sys.argv) > 1 else "examples/orders.json").read_text())
request = deliveries_request(orders, start_s=time.time() + 300)  # the orders' times start then
request.submit, request.request_id = True, f"firm-42/{time.time():.0f}"  # book them, once
with AirspaceClient(target, token=token) as client:
    answer = client.plan_deliveries(request, progress=lambda f: print(f"planning {f:.0%}"))
    flying = {flight.flight_plan.flight_plan_id for flight in answer.flights}
    print("booked", *sorted(flying), "unserved", *[u.order_id for u in answer.unserved])
    events = client.follow_flights(flying, on_reconnect=lambda gap: print("gap", gap))
    while flying:  # until each flight has ended (or was cancelled)
        event = next(events)
        print(describe_event(event))
        flying -= {event.plan.flight_plan_id} if event.plan.state in OVER else set()
print("every flight is over")
