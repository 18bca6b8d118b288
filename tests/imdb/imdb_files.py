"""Small IMDb dataset files, written in IMDb's exact format (tabs, gzip, \\N, no quoting)."""

from __future__ import annotations

import gzip
import pathlib

TITLES = """\
tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres
tt0000001\tmovie\tA Film of Faces\tA Film of Faces\t0\t2020\t\\N\t160\tBiography,Drama,Musical
tt0000002\tshort\tA Short Film\tUn court métrage\t0\t2021\t\\N\t\\N\t\\N
tt0000005\ttvSeries\tThe "Quoted" Show\t"Quoted\t1\t2019\t2021\t45\tComedy
"""

PRINCIPALS = """\
tconst\tordering\tnconst\tcategory\tjob\tcharacters
tt0000001\t1\tnm0000001\tself\t\\N\t["Himself"]
tt0000001\t2\tnm0000099\tdirector\t\\N\t\\N
tt0000001\t3\tnm0000004\tactress\t\\N\t["Ygritte","Wildling"]
tt0000001\t4\tnm0000003\tactor\t\\N\t["Jon \\"Lord\\" Snow"]
tt0000001\t5\tnm0000098\tcomposer\tmusic by\t\\N
tt0000001\t6\tnm0000002\tself\t\\N\t["Himself"]
tt0000002\t1\tnm0000001\tself\t\\N\t["Himself"]
tt0000002\t2\tnm0000002\tself\t\\N\t["Himself"]
tt0000005\t1\tnm0000005\tactor\t\\N\t[Unquoted Character
"""

PEOPLE = """\
nconst\tprimaryName\tbirthYear\tdeathYear\tprimaryProfession\tknownForTitles
nm0000001\tBarack Obama\t1961\t\\N\tself,writer\ttt0000001,tt0000002
nm0000002\tJoe Biden\t1942\t\\N\tself\ttt0000002
nm0000003\tKit Harington\t1986\t\\N\tactor,producer\ttt0000001
nm0000004\tRose Leslie\t1987\t\\N\tactress\ttt0000001
nm0000005\tAlex "Lac" Lacamoire\t\\N\t\\N\tmusic_department,composer\t\\N
nm0000098\tA Composer\t\\N\t\\N\t\\N\t\\N
nm0000099\tA Director\t1950\t2020\tdirector\ttt0000001
"""


def write_datasets(
    folder: pathlib.Path,
    *,
    titles: str = TITLES,
    principals: str = PRINCIPALS,
    people: str = PEOPLE,
) -> pathlib.Path:
    """The three files, gzip'd, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (
        ("title.basics.tsv.gz", titles),
        ("title.principals.tsv.gz", principals),
        ("name.basics.tsv.gz", people),
    ):
        with gzip.open(folder / name, "wt", encoding="utf-8", newline="") as file:
            file.write(text)
    return folder
