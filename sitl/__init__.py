"""MAVLink vehicles and the bridge from MAVLink to the telemetry API.

``sitl.px4`` holds the PX4 SITL conventions both sides share; the fleet speaks them and the
bridge reads them, so a real PX4 SITL drops in where the fleet stands.
"""
