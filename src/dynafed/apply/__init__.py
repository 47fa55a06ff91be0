"""`dynafed apply`: converge a running server to a declared file of identity providers,
policies, roles and tables, through the server's own APIs as any AWS client would
(`spec` reads the file, `iam` and `tables` reconcile, `changes` reports)."""
