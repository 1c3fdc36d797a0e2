"""Flying plans for real: activate each just before departure, end it after landing.

The calls go through the SDK on a worker thread, so a slow or unreachable service never
stalls the fleet's loop; each outcome is kept for the fleet's owner to report.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from airspace.errors import AirspaceError
from airspace.sdk import AirspaceClient
from airspace.v1 import flight_plan_pb2
from sitl.routes import Route


@dataclass(frozen=True, slots=True)
class Outcome:
    flight_plan_id: str
    action: str
    """'activate' or 'end'."""
    state: str
    """The plan's state afterwards (e.g. ACTIVATED), or the error's class name."""
    message: str = ""


class ServiceLifecycle:
    """The fleet's ``Lifecycle`` for plans held by an Airspace service."""

    def __init__(self, client: AirspaceClient) -> None:
        self._client = client
        # One worker: a plan's activation always goes before its end.
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="sitl-service")
        self._lock = threading.Lock()
        self._pending: list[Future[None]] = []
        self.outcomes: list[Outcome] = []

    def departing(self, route: Route) -> None:
        self._submit("activate", route, self._client.activate_flight_plan)

    def landed(self, route: Route) -> None:
        self._submit("end", route, self._client.end_flight_plan)

    def wait(self, timeout_s: float = 15.0) -> None:
        """Wait for the calls made so far."""
        for future in list(self._pending):
            future.exception(timeout=timeout_s)

    def close(self, timeout_s: float = 15.0) -> None:
        """Wait for the calls under way, then stop the worker."""
        self.wait(timeout_s)
        self._pool.shutdown(wait=True)

    def _submit(
        self, action: str, route: Route, call: Callable[[str], flight_plan_pb2.FlightPlan]
    ) -> None:
        if not route.flight_plan_id:
            return
        self._pending.append(self._pool.submit(self._call, action, route.flight_plan_id, call))

    def _call(
        self, action: str, plan_id: str, call: Callable[[str], flight_plan_pb2.FlightPlan]
    ) -> None:
        try:
            plan = call(plan_id)
        except AirspaceError as exc:
            outcome = Outcome(plan_id, action, type(exc).__name__, exc.message)
        else:
            state = flight_plan_pb2.FlightPlanState.Name(plan.state)
            outcome = Outcome(plan_id, action, state.removeprefix("FLIGHT_PLAN_STATE_"))
        with self._lock:
            self.outcomes.append(outcome)
