"""Text pipeline: normalisation (NFKC full/half width, traditional → simplified),
truncation of huge pastes, a usability check for junk input, masking of personal
numbers, and jieba segmentation with the project's telecom dictionary.

Segmentation runs on jieba-rs (rjieba), which gives jieba's words at a fraction of the
cost; jieba itself stays the reference it is tested against. Both are private instances
(never jieba's global one), so other code using jieba is not affected by our dictionary.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import jieba
import opencc
import rjieba

from kefu.core.masking import mask_free_text

# A complaint states its point early; the tail often holds the demand. Pastes beyond
# this are cut to head + tail so one giant paste cannot stall the pipeline.
MAX_CHARS = 2000
_HEAD, _TAIL = 1500, 500

# Control characters, replacement characters, zero-width and direction marks, and lone
# surrogates (json.loads accepts "\ud800"; no encoder does).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ufeff\u200b-\u200f\u2028-\u202e\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
# What counts as meaningful text: CJK ideographs, Latin letters and digits.
_MEANINGFUL = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbfA-Za-z0-9]")
_CJK = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_MENTION = re.compile(r"@[\w\u4e00-\u9fff]+")
_TOKEN_OK = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


@dataclass(frozen=True)
class Prepared:
    """A text made ready for analysis. `problem` is set when it cannot be analysed."""

    original_length: int
    text: str  # normalised, truncated and masked: safe to store for analytics
    truncated: bool
    problem: str | None  # None | "empty" | "no_text" | "binary" | "not_text"


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """NFKC (full-width letters/digits → half width), traditional → simplified,
    control characters removed, whitespace collapsed, Latin letters kept as written."""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    if _CJK.search(text):
        text = _t2s().convert(text)
    return text


def truncate(text: str) -> tuple[str, bool]:
    if len(text) <= MAX_CHARS:
        return text, False
    return text[:_HEAD] + " … " + text[-_TAIL:], True


def prepare(raw: str | bytes | None) -> Prepared:
    """Normalise, truncate and check one input; never raises on any string or bytes."""
    if raw is None:
        return Prepared(0, "", False, "empty")
    if isinstance(raw, bytes | bytearray):
        raw = bytes(raw).decode("utf-8", errors="replace")
    if not isinstance(raw, str):
        return Prepared(0, "", False, "not_text")
    original_length = len(raw)
    # Cut before normalising so a 100,000-character paste costs no more than a page.
    head, truncated = truncate(raw)
    bad = len(_CONTROL.findall(head))
    text = normalise(head)
    problem: str | None = None
    if bad > max(8, len(head) // 5):
        problem = "binary"
    elif not text:
        problem = "empty"
    elif not _MEANINGFUL.search(_MENTION.sub("", text)):
        problem = "no_text"
    return Prepared(original_length, mask_free_text(text), truncated, problem)


_lock = threading.Lock()
# Longer "words" are runs of Latin junk (a pasted hash, "aaaa…"), never keywords.
MAX_WORD = 16


@cache
def _data(name: str) -> str:
    return resources.files("kefu.nlp").joinpath("data", name).read_text(encoding="utf-8")


@cache
def stopwords() -> frozenset[str]:
    return frozenset(w.strip() for w in _data("stopwords.txt").splitlines() if w.strip())


@cache
def telecom_terms() -> frozenset[str]:
    return frozenset(line.split()[0].lower() for line in _data("telecom_dict.txt").splitlines() if line.strip())


def _telecom_entries() -> list[tuple[str, int | None, str | None]]:
    """(word, frequency, part of speech) of the telecom dictionary, words lower-cased."""
    entries = []
    for line in _data("telecom_dict.txt").splitlines():
        parts = line.split()
        if parts:
            freq = int(parts[1]) if len(parts) > 1 else None
            entries.append((parts[0].lower(), freq, parts[2] if len(parts) > 2 else None))
    return entries


@cache
def tokenizer() -> jieba.Tokenizer:
    """The reference: a private jieba tokenizer with the telecom dictionary. `segment` must
    give exactly its words (tests/nlp/test_text.py); the benchmark uses it as baseline.
    Not on the classification path (building it takes about a second)."""
    with _lock:
        jieba.setLogLevel(logging.WARNING)  # jieba logs every dictionary load at DEBUG
        tok = jieba.Tokenizer()
        tok.initialize()
        for word, freq, tag in _telecom_entries():
            tok.add_word(word, freq, tag)
        return tok


@cache
def _segmenter() -> rjieba.Jieba:
    """jieba-rs (the Rust port of jieba, same dictionary, same DAG and route) with the
    telecom dictionary: the same words as `tokenizer()` at a fifth of the cost of even a
    pure-Python DAG, and ready in a tenth of a second instead of jieba's one."""
    with _lock:
        seg = rjieba.Jieba()
        for word, freq, tag in _telecom_entries():
            seg.add_word(word, freq, tag)
        return seg


def segment(text: str) -> list[str]:
    """Words of a normalised text, lower-cased (so 5G/5g, WiFi/wifi meet the dictionary);
    punctuation, symbols and spaces dropped. HMM guessing of unknown words is off: it costs
    half the time and the character n-grams of the model already cover unknown words.
    Equal to `tokenizer().cut(text.lower(), HMM=False)` filtered (tests/nlp/test_text.py)."""
    return list(filter(_TOKEN_OK.search, _segmenter().cut(text.lower(), False)))


def content_words(tokens: list[str]) -> list[str]:
    """Tokens worth showing as keywords: no stopwords, no single characters, no bare numbers
    except service numbers (10000, 12315)."""
    stop = stopwords()
    terms = telecom_terms()
    out = []
    for w in tokens:
        if w in stop:
            continue
        if w in terms or (2 <= len(w) <= MAX_WORD and not w.isdigit()):
            out.append(w)
    return out
