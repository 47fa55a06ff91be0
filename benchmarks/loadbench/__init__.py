"""dynafed's peer benchmark: the same pre-signed DynamoDB requests, replayed by wrk, against
dynafed and the servers a user would pick instead, in one run on one machine.

`benchmarks/run_all.py` is the entry point; docs/benchmarks.md explains the method.
"""
