"""`dynafed serve --demo`: the GameScores example, seeded and served in one command."""
