"""The gRPC server: servicers that adapt the use cases, and the process that hosts them."""
