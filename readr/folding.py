"""Text folded to ASCII: for citation keys (`Øbro` -> `obro`) and for finding the same title twice."""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into an ASCII base letter plus accents.
_TRANSLITERATION = str.maketrans({
    "Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "ß": "ss", "ẞ": "SS", "Ł": "L", "ł": "l",
    "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Þ": "Th", "þ": "th", "ı": "i", "Ħ": "H", "ħ": "h", "ŀ": "l",
    "Ŀ": "L", "ĸ": "k", "Ŋ": "N", "ŋ": "n", "ſ": "s", "Ɨ": "I", "ɨ": "i", "ƒ": "f", "Ʒ": "Z", "ʒ": "z",
})


def ascii_fold(text: str) -> str:
    """Text in ASCII letters: accents dropped (`Ü` -> `U`), other Latin letters spelled out (`Ø` -> `O`);
    letters of other scripts are dropped."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def normalized_title(title: str) -> str:
    """A title reduced for finding the same paper twice: ASCII, lower case, words only."""
    return " ".join(re.findall(r"[a-z0-9]+", ascii_fold(title or "").lower()))
