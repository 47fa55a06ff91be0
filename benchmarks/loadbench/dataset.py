"""The benchmark's data: the GameScores table of AWS's web identity federation example.

Players `player-NNNNN` own a partition each. The first `query_players` players have
QUERY_PARTITION_ITEMS games (Query reads a whole partition of them); the others have
GAMES_PER_PLAYER. Items carry only the attributes the reference GameRole policy allows
(docs: "Using IAM policy conditions for fine-grained access control"), so the very same
items and requests serve the admin identity and a GameRole web-identity session.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

TABLE = "GameScores"
PARTITION_KEY = "UserId"
SORT_KEY = "GameTitle"
GAMES_PER_PLAYER = 4
QUERY_PARTITION_ITEMS = 20
# Every attribute the reference GameRole policy lists in dynamodb:Attributes; reads project
# exactly these (the policy demands Select = SPECIFIC_ATTRIBUTES).
ATTRIBUTES = ("UserId", "GameTitle", "TopScore", "TopScoreDateTime", "Wins", "Losses")
PROJECTION = ", ".join(ATTRIBUTES)

Item = dict[str, dict[str, str]]


@dataclass(frozen=True, slots=True)
class Key:
    player: str
    title: str

    def as_attributes(self) -> Item:
        return {PARTITION_KEY: {"S": self.player}, SORT_KEY: {"S": self.title}}


@dataclass(frozen=True, slots=True)
class Dataset:
    players: int
    query_players: int

    def __post_init__(self) -> None:
        if not 0 < self.query_players <= self.players:
            raise ValueError("need 0 < query_players <= players")

    def games_of(self, index: int) -> int:
        return QUERY_PARTITION_ITEMS if index < self.query_players else GAMES_PER_PLAYER

    def all_keys(self) -> Iterator[Key]:
        for index in range(self.players):
            for game in range(self.games_of(index)):
                yield Key(player_id(index), game_title(game))

    def item_count(self) -> int:
        return sum(self.games_of(index) for index in range(self.players))

    def random_key(self, rng: random.Random, among_players: int | None = None) -> Key:
        index = rng.randrange(among_players or self.players)
        return Key(player_id(index), game_title(rng.randrange(self.games_of(index))))


def player_id(index: int) -> str:
    return f"player-{index:05d}"


def game_title(game: int) -> str:
    return f"game-{game:02d}"


def make_item(key: Key, version: int = 0) -> Item:
    """A deterministic item of about 120 bytes; `version` varies the non-key values so a
    PutItem really changes the stored item."""
    rng = random.Random(f"{key.player}/{key.title}/{version}")
    date = f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    clock = f"{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
    return {
        **key.as_attributes(),
        "TopScore": {"N": str(rng.randrange(100, 99_999))},
        "TopScoreDateTime": {"S": f"{date}T{clock}"},
        "Wins": {"N": str(rng.randrange(0, 500))},
        "Losses": {"N": str(rng.randrange(0, 500))},
    }
