"""Generated protobuf and gRPC code for airspace.v1."""
