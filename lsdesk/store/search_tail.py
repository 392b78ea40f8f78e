"""Search words matched in Python exactly as the full-text index matches them, for the tasks it does not hold
yet (an import indexes nothing; the background indexer catches up in slices).

The index's tokenizer (unicode61 with remove_diacritics 2) splits and folds text one character at a time, so
each character's part is asked of SQLite's own tokenizer the first time it is seen and kept: what is a
separator, and what a token character folds to (often nothing, for a diacritic). A search is words, each a
phrase of tokens as the index tokenizes it; a task matches when every non-empty phrase appears, its tokens
next to each other, the last token of the last phrase as a prefix (FTS5 ignores a phrase with no tokens
beside others, and matches nothing when all are empty).
"""

import json
import re
import sqlite3
import threading
from functools import lru_cache

TOKENIZER = "unicode61 remove_diacritics 2"  # the tokenize= of tasks_fts (schema v5)
_ASCII_TOKEN = re.compile(r"[a-z0-9]+")
_SEPARATOR = " "


class _Folding(dict):
    """ord(character) -> what the tokenizer makes of it: " " for a separator, else its folded form."""

    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()
        self._conn = None

    def __missing__(self, code):
        with self._lock:
            if code not in self:
                self[code] = self._ask(chr(code)) if code else _SEPARATOR
            return dict.__getitem__(self, code)

    def _ask(self, character):
        """Tokenize "q<character>q": one token "q…q" means a token character (folded to what sits between
        the q's), two tokens "q" and "q" a separator."""
        if self._conn is None:
            self._conn = sqlite3.connect(":memory:", check_same_thread=False)
            self._conn.execute(f"CREATE VIRTUAL TABLE probe USING fts5(text, content='', tokenize='{TOKENIZER}')")
            self._conn.execute("CREATE VIRTUAL TABLE probe_terms USING fts5vocab(probe, 'instance')")
        self._conn.execute("INSERT INTO probe (rowid, text) VALUES (1, ?)", (f"q{character}q",))
        terms = [row[0] for row in self._conn.execute("SELECT term FROM probe_terms ORDER BY offset")]
        self._conn.execute("INSERT INTO probe (probe) VALUES ('delete-all')")
        return terms[0][1:-1] if len(terms) == 1 else _SEPARATOR


_FOLDING = _Folding()


def tokens(text):
    """The tokens the full-text index makes of `text`, in order."""
    if text.isascii():
        return _ASCII_TOKEN.findall(text.lower())
    return text.translate(_FOLDING).split()


@lru_cache(maxsize=256)
def _phrases(words_json):
    return [phrase for phrase in (tokens(word) for word in json.loads(words_json)) if phrase]


def search_tail_match(text, words_json):
    """Whether a task's search text (SEARCH_TEXT; None when it has no values) matches the search words (a
    JSON list, as task_query gives them) as the full-text index would match it. An SQL function."""
    phrases = _phrases(words_json)
    if text is None or not phrases:
        return False
    ascii_only = text.isascii()
    folded = text.lower() if ascii_only else text.translate(_FOLDING)
    if any(token not in folded for phrase in phrases for token in phrase):
        return False  # each token is part of the folded text: most tasks end here, untokenized
    found = _ASCII_TOKEN.findall(folded) if ascii_only else folded.split()
    *whole, last = phrases
    return all(_has_phrase(found, phrase, False) for phrase in whole) and _has_phrase(found, last, True)


def _has_phrase(found, phrase, prefix):
    """Whether `phrase` runs somewhere in the tokens `found`, its last token only a prefix when `prefix`."""
    *head, end = phrase
    if not head:
        return any(token.startswith(end) for token in found) if prefix else end in found
    size = len(phrase)
    for start in range(len(found) - size + 1):
        if found[start:start + size - 1] == head and (
                found[start + size - 1].startswith(end) if prefix else found[start + size - 1] == end):
            return True
    return False
