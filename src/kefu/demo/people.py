"""Who the subscribers are: names, 18-digit ID numbers, phone numbers, where they live."""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


class FastRandom(random.Random):
    """random.Random with cheaper draws (scaled floats): the generator makes millions."""

    def below(self, n: int) -> int:
        return int(self.random() * n)

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Sequence[T]) -> T:  # type: ignore[override]
        return seq[int(self.random() * len(seq))]

    def lognormal(self, sigma: float) -> float:
        """exp(N(0, sigma)): the median is 1, the tail is long."""
        return math.exp(self.gauss(0.0, sigma))


class Pick(Generic[T]):
    """Weighted choice with one `random()` and a bisect: the generator's hot path."""

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self.values = [v for v, _ in pairs]
        self.cumulative = list(itertools.accumulate(w for _, w in pairs))
        self.total = self.cumulative[-1]

    def __call__(self, rng: FastRandom) -> T:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


@dataclass(frozen=True)
class City:
    name: str
    area_code: str
    districts: tuple[tuple[str, str], ...]  # (district, ID-number region code)
    # Where people registered here were born: their ID numbers start with these codes.
    origins: Pick[str]


_MIGRANT_ORIGINS = (
    ("430102", 3), ("430421", 3), ("431021", 3), ("510104", 2), ("511602", 3), ("410102", 2),
    ("411302", 3), ("420102", 2), ("421202", 2), ("360102", 2), ("362101", 3), ("450102", 2),
    ("452501", 2), ("445102", 3), ("440513", 3), ("441402", 3), ("441802", 2), ("350102", 1),
    ("370102", 1), ("522301", 1), ("612401", 1), ("220102", 1),
)
_YUNNAN_ORIGINS = (("530802", 4), ("532901", 3), ("530402", 3), ("530302", 3), ("532301", 2), ("533102", 1))

CITIES: tuple[City, ...] = (
    City(
        "深圳", "0755",
        (("南山区", "440305"), ("福田区", "440304"), ("罗湖区", "440303"), ("宝安区", "440306"),
         ("龙岗区", "440307"), ("龙华区", "440309")),
        Pick([("local", 30.0), *((code, float(w)) for code, w in _MIGRANT_ORIGINS)]),
    ),
    City(
        "东莞", "0769",
        (("莞城", "441900"), ("南城", "441900"), ("东城", "441900"), ("长安镇", "441900"), ("虎门镇", "441900")),
        Pick([("local", 30.0), *((code, float(w)) for code, w in _MIGRANT_ORIGINS)]),
    ),
    City(
        "昆明", "0871",
        (("五华区", "530102"), ("盘龙区", "530103"), ("官渡区", "530111"), ("西山区", "530112")),
        Pick([("local", 60.0), *((code, float(w)) for code, w in _YUNNAN_ORIGINS), ("510104", 1.0)]),
    ),
)
CITY_BY_NAME = {c.name: c for c in CITIES}
PICK_CITY = Pick([(CITIES[0], 0.5), (CITIES[1], 0.25), (CITIES[2], 0.25)])

# China Telecom mobile prefixes.
PREFIXES = ("189", "133", "153", "180", "181", "177", "173", "199", "191", "193")
# Suffixes below 1,000,000 are kept for the named characters (characters.py).
_RESERVED = 1_000_000
_SPACE = 100_000_000 - _RESERVED
_ALL = _SPACE * len(PREFIXES)
_MULTIPLIER = 618_033_989  # coprime with _ALL: index → (prefix, suffix) is a bijection


def number_for(index: int, seed: int) -> str:
    """A unique, random-looking 11-digit number for subscriber `index`."""
    slot = (index * _MULTIPLIER + seed * 7_654_321) % _ALL
    prefix, suffix = divmod(slot, _SPACE)
    return f"{PREFIXES[prefix]}{_RESERVED + suffix:08d}"


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """GB 11643: the 18th character of a resident ID number."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def id_number(region: str, year: int, month: int, day: int, seq: int, male: bool) -> str:
    # The 17th digit is odd for men and even for women.
    seq = seq - seq % 2 + (1 if male else 0)
    body = f"{region}{year:04d}{month:02d}{day:02d}{seq % 1000:03d}"
    return body + id_check_digit(body)


def credit_code(rng: FastRandom, region: str) -> str:
    """An 18-character unified social credit code (统一社会信用代码) for an organisation."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return "91" + region + "".join(alphabet[rng.below(31)] for _ in range(10))


_SURNAMES = Pick([
    (s, w) for s, w in zip(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤",
        (*(7.0, 7.0, 7.0, 5.4, 4.5, 3.1, 2.2, 2.0, 1.9, 1.8, 1.6, 1.5, 1.2, 1.2, 1.1, 1.1, 1.1, 1.0, 1.0),
         *([0.8] * 20), *([0.45] * 30), *([0.25] * 30)),
        strict=True,
    )
])

# Given names by generation: a 1950s grandmother and a 2000s student are not named alike.
_GIVEN = {
    ("old", True): ["建国", "建军", "国强", "志强", "德福", "德明", "永福", "永强", "文华", "振华", "国平", "学军", "宝华", "树林", "长青", "家明", "金生", "福生", "卫东", "秋生", "海"],
    ("old", False): ["秀英", "桂兰", "秀兰", "玉兰", "桂英", "淑珍", "凤英", "玉珍", "秀珍", "翠花", "美华", "素芬", "桂芳", "月英", "丽华", "秀芳", "玉梅", "春花", "兰"],
    ("mid", True): ["伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波", "宁", "志明", "海涛", "俊杰", "建华", "小龙", "永刚", "晓东", "文军", "立新"],
    ("mid", False): ["丽", "敏", "静", "燕", "艳", "娟", "霞", "芳", "玲", "红", "梅", "琳", "晶", "丹", "洁", "婷", "晓燕", "丽娟", "海燕", "春梅", "晓丽", "雪梅", "小红", "丽萍", "慧敏"],
    ("young", True): ["子轩", "浩然", "宇轩", "梓豪", "俊熙", "浩宇", "子豪", "皓轩", "一鸣", "宇航", "嘉豪", "思远", "天佑", "博文", "泽宇", "睿", "昊", "航", "宸", "楷瑞"],
    ("young", False): ["欣怡", "梓涵", "诗涵", "雨涵", "子涵", "可欣", "思彤", "梦琪", "若曦", "嘉怡", "雨欣", "佳琪", "紫萱", "语嫣", "一诺", "悦", "萱", "彤", "琪", "可馨"],
}


def chinese_name(rng: FastRandom, birth_year: int, male: bool) -> str:
    era = "old" if birth_year < 1966 else "mid" if birth_year < 1990 else "young"
    names = _GIVEN[(era, male)]
    return _SURNAMES(rng) + names[rng.below(len(names))]


_ORG_WORDS = ["华强", "鹏程", "海岸", "前海", "南方", "粤海", "松山湖", "滇池", "春城", "彩云", "金马", "碧鸡", "翠湖", "东江", "长安", "虎门", "智联", "恒信", "新世纪", "宏达"]
_ORG_KINDS = (
    ("科技有限公司", 5.0), ("电子有限公司", 3.0), ("物流有限公司", 2.0), ("建设工程有限公司", 2.0),
    ("实业有限公司", 2.0), ("人民医院", 0.6), ("第一中学", 0.6), ("街道办事处", 0.5), ("税务局", 0.3),
)
_PICK_ORG_KIND = Pick(_ORG_KINDS)


def organisation_name(rng: FastRandom, city: str) -> str:
    prefix = city + ("市" if city != "东莞" or rng.random() < 0.7 else "")
    return prefix + _ORG_WORDS[rng.below(len(_ORG_WORDS))] + _PICK_ORG_KIND(rng)


def birth_year(rng: FastRandom, this_year: int) -> int:
    """Adults 18–88; about one in six is 60 or older (the elderly care cases)."""
    r = rng.random()
    if r < 0.17:
        age = rng.randint(60, 88)
    elif r < 0.45:
        age = rng.randint(18, 30)
    else:
        age = rng.randint(31, 59)
    return this_year - age
