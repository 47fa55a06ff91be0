"""dynafed: web identity federation for a DynamoDB-compatible API."""

__version__ = "0.1.0"
