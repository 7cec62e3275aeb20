"""Chinese tokenisation for search: words, character bigrams and pinyin bigrams.

Words (jieba, search mode) carry meaning; character bigrams match when jieba cuts a
query differently from the article; toneless pinyin bigrams (with zh/z, ch/c, sh/s and
-ng/-n folded, the usual southern confusions) match homophone typos such as 刘量 for
流量 or 宽代 for 宽带. Pure functions; the jieba dictionary loads once per process.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from functools import lru_cache
from importlib import resources

import jieba
from pypinyin import lazy_pinyin

from kefu.knowledge.text import normalise

_STOPWORDS_TEXT = (
    "的 了 吗 呢 啊 吧 呀 哦 嘛 么 是 我 我的 我们 你 你们 您 他 她 它 这 那 这个 那个 怎么 怎么样 怎样 "
    "如何 什么 为什么 为啥 啥 请问 一下 可以 能 能不能 可不可以 要 想 想要 在 有 和 与 及 或 或者 就 都 "
    "还 也 又 给 把 被 让 一个 请 帮 帮我 帮忙 好 你好 您好 谢谢 麻烦 吗 呢 哪 哪里 哪儿 的话 一些 是不是 "
    "需要 应该 该 会 得 地 着 过 咋 咋办 怎么办 办法 现在 已经 今天 问 问下 问一下 知道 告诉"
)
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_WORD = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
_lock = threading.Lock()


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """The shipped synonym table (data/synonyms.txt), normalised."""
    text = resources.files("kefu.knowledge").joinpath("data/synonyms.txt").read_text(encoding="utf-8")
    groups = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            groups.append(tuple(dict.fromkeys(normalise(w) for w in line.split())))
    return tuple(groups)


@lru_cache(maxsize=1)
def synonym_map() -> dict[str, tuple[str, ...]]:
    """word → the other words of every group it belongs to."""
    found: dict[str, list[str]] = {}
    for group in synonym_groups():
        for word in group:
            found.setdefault(word, []).extend(w for w in group if w != word)
    return {w: tuple(dict.fromkeys(others)) for w, others in found.items()}


_DOMAIN_TEXT = (
    "携号转网 达量降速 服务密码 光猫 副卡 彩铃 托收 国际漫游 实名制 销户 报停 复机 提速 移机 装机 "
    "话费 流量 宽带 套餐 增值业务 积分 发票 机顶盒 天翼 翼支付 欠费 停机 补卡 换卡 定向流量 通用流量 "
    "语音信箱 来电显示 呼叫转移 国际长途 融合套餐 合约机 靓号 副号 宽带账号 上网卡 物联网卡 云盘 "
    "充值卡 电子发票 实名认证 网上营业厅 掌上营业厅 营业厅 一证通查 骚扰电话 拦截 限速 网速 信号"
)
DOMAIN_WORDS = tuple(_DOMAIN_TEXT.split())


@lru_cache(maxsize=1)
def version() -> str:
    """Changes whenever segmentation could: stored word tokens older than this are redone."""
    parts = [jieba.__version__, _STOPWORDS_TEXT, _DOMAIN_TEXT, repr(synonym_groups())]
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:12]


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    # A private jieba instance: our added words do not change how other modules segment.
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    for word in DOMAIN_WORDS:
        tk.add_word(word, freq=20000)
    for group in synonym_groups():
        for word in group:
            if _CJK_RUN.fullmatch(word) and len(word) > 1:
                tk.add_word(word, freq=20000)
    return tk


def words(text: str) -> list[str]:
    """Meaningful words (search-mode jieba, overlapping sub-words included), no stopwords."""
    tk = _tokenizer()
    with _lock:  # jieba's Tokenizer is not documented as thread-safe
        pieces = list(tk.cut_for_search(normalise(text)))
    return [p for p in (w.strip() for w in pieces) if p and _WORD.search(p) and p not in STOPWORDS]


def char_bigrams(text: str) -> list[str]:
    """Adjacent Chinese character pairs; a lone character stands for itself."""
    grams: list[str] = []
    for run in _CJK_RUN.findall(normalise(text)):
        if len(run) == 1:
            grams.append(run)
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


_FOLD = (("zh", "z"), ("ch", "c"), ("sh", "s"))


@lru_cache(maxsize=30000)
def _syllable(char: str) -> str:
    """One character's toneless pinyin, accent-folded. Per character, not per phrase: a
    heteronym always gets the same reading, so article and query agree (and it is fast)."""
    syllable = lazy_pinyin(char)[0]
    for long, short in _FOLD:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    return syllable[:-1] if syllable.endswith("ng") else syllable


def pinyin_bigrams(text: str) -> list[str]:
    """Toneless, accent-folded pinyin of adjacent Chinese characters, e.g. 流量 → liu_lian."""
    grams: list[str] = []
    for run in _CJK_RUN.findall(normalise(text)):
        syllables = [_syllable(c) for c in run]
        if len(syllables) == 1:
            grams.append(syllables[0])
        grams.extend(f"{a}_{b}" for a, b in zip(syllables, syllables[1:], strict=False))
    return grams


def expand(tokens: list[str]) -> list[str]:
    """Synonyms of `tokens` that are not already among them."""
    table = synonym_map()
    seen = set(tokens)
    extra: list[str] = []
    for token in tokens:
        for other in table.get(token, ()):
            if other not in seen:
                seen.add(other)
                extra.append(other)
    return extra
