"""IAM's policy simulator: SimulateCustomPolicy and SimulatePrincipalPolicy, on the same
engine that enforces every request."""
