"""The `dynafed` subcommands other than `serve`, each wiring one package to argparse:
`policy` (check, simulate), `apply`."""
