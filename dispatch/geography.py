"""Which prefectures neighbour which (JIS X 0401 codes), for the area order of the matching.

Neighbours share a land border; the format document (docs/registry-format.md) adds five fixed
links across the sea: 青森–北海道, 山口–福岡, 兵庫–徳島, 岡山–香川, 広島–愛媛.
"""

_LAND_BORDERS = {
    "02": ("03", "05"),
    "03": ("04", "05"),
    "04": ("05", "06", "07"),
    "05": ("06",),
    "06": ("07", "15"),
    "07": ("08", "09", "10", "15"),
    "08": ("09", "11", "12"),
    "09": ("10", "11"),
    "10": ("11", "15", "20"),
    "11": ("12", "13", "19", "20"),
    "12": ("13",),
    "13": ("14", "19"),
    "14": ("19", "22"),
    "15": ("16", "20"),
    "16": ("17", "20", "21"),
    "17": ("18", "21"),
    "18": ("21", "25", "26"),
    "19": ("20", "22"),
    "20": ("21", "22", "23"),
    "21": ("23", "24", "25"),
    "22": ("23",),
    "23": ("24",),
    "24": ("25", "26", "29", "30"),
    "25": ("26",),
    "26": ("27", "28", "29"),
    "27": ("28", "29", "30"),
    "28": ("31", "33"),
    "29": ("30",),
    "31": ("32", "33", "34"),
    "32": ("34", "35"),
    "33": ("34",),
    "34": ("35",),
    "36": ("37", "38", "39"),
    "37": ("38",),
    "38": ("39",),
    "40": ("41", "43", "44"),
    "41": ("42",),
    "43": ("44", "45", "46"),
    "44": ("45",),
    "45": ("46",),
}
FIXED_LINKS = (("02", "01"), ("35", "40"), ("28", "36"), ("33", "37"), ("34", "38"))


def _table() -> dict[str, frozenset[str]]:
    pairs: dict[str, set[str]] = {f"{n:02d}": set() for n in range(1, 48)}
    edges = [(a, b) for a, bs in _LAND_BORDERS.items() for b in bs] + list(FIXED_LINKS)
    for a, b in edges:
        pairs[a].add(b)
        pairs[b].add(a)
    return {code: frozenset(near) for code, near in pairs.items()}


NEIGHBOURS: dict[str, frozenset[str]] = _table()


def are_neighbours(a: str, b: str) -> bool:
    return b in NEIGHBOURS.get(a, frozenset())
