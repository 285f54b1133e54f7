"""Hobbies and sports: canonical tags with ASCII keys, and mapping free text onto them.

Labels shown to members come from the message catalogs (``LABELS`` are msgids); ``WORDS`` is the
matching vocabulary — labels in both languages plus the other ways people say the same thing.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from bot.domain import N_
from bot.domain.text import normalise

# key → English label (msgid; the Chinese label comes from the catalog).
LABELS: dict[str, str] = {
    "hiking": N_("Hiking"),
    "running": N_("Running"),
    "cycling": N_("Cycling"),
    "swimming": N_("Swimming"),
    "fitness": N_("Gym"),
    "yoga": N_("Yoga"),
    "badminton": N_("Badminton"),
    "table_tennis": N_("Table tennis"),
    "basketball": N_("Basketball"),
    "football": N_("Football"),
    "tennis": N_("Tennis"),
    "skiing": N_("Skiing"),
    "camping": N_("Camping"),
    "fishing": N_("Fishing"),
    "photography": N_("Photography"),
    "travel": N_("Travel"),
    "reading": N_("Reading"),
    "movies": N_("Films"),
    "music": N_("Music"),
    "singing": N_("Singing"),
    "dancing": N_("Dancing"),
    "painting": N_("Painting"),
    "calligraphy": N_("Calligraphy"),
    "cooking": N_("Cooking"),
    "tea": N_("Tea"),
    "board_games": N_("Board games"),
    "video_games": N_("Video games"),
    "pets": N_("Pets"),
    "volunteering": N_("Volunteering"),
    "crafts": N_("Handicrafts"),
}

WORDS: dict[str, tuple[str, ...]] = {
    "hiking": ("徒步", "爬山", "登山", "远足", "hiking", "trekking"),
    "running": ("跑步", "长跑", "马拉松", "夜跑", "running", "jogging", "marathon"),
    "cycling": ("骑行", "骑车", "自行车", "cycling", "biking"),
    "swimming": ("游泳", "swimming"),
    "fitness": ("健身", "撸铁", "健身房", "gym", "fitness", "workout"),
    "yoga": ("瑜伽", "瑜珈", "yoga"),
    "badminton": ("羽毛球", "badminton"),
    "table_tennis": ("乒乓球", "乒乓", "table tennis", "ping pong"),
    "basketball": ("篮球", "basketball"),
    "football": ("足球", "football", "soccer"),
    "tennis": ("网球", "tennis"),
    "skiing": ("滑雪", "skiing", "snowboarding"),
    "camping": ("露营", "camping"),
    "fishing": ("钓鱼", "垂钓", "fishing"),
    "photography": ("摄影", "拍照", "photography", "photos"),
    "travel": ("旅行", "旅游", "travel", "travelling", "traveling"),
    "reading": ("读书", "阅读", "看书", "reading", "books"),
    "movies": ("电影", "看电影", "观影", "films", "movies", "cinema"),
    "music": ("音乐", "听歌", "music"),
    "singing": ("唱歌", "k歌", "唱k", "ktv", "singing", "karaoke"),
    "dancing": ("跳舞", "舞蹈", "dancing", "dance"),
    "painting": ("绘画", "画画", "painting", "drawing"),
    "calligraphy": ("书法", "calligraphy"),
    "cooking": ("烹饪", "做饭", "下厨", "烘焙", "cooking", "baking"),
    "tea": ("茶艺", "喝茶", "品茶", "tea"),
    "board_games": ("桌游", "狼人杀", "剧本杀", "board games", "boardgames"),
    "video_games": ("游戏", "电竞", "打游戏", "video games", "gaming"),
    "pets": ("宠物", "撸猫", "养狗", "pets", "cats", "dogs"),
    "volunteering": ("志愿服务", "志愿者", "公益", "volunteering"),
    "crafts": ("手工", "手作", "diy", "crafts", "handicrafts"),
}

FUZZY_CUTOFF = 80
_SEPARATORS = re.compile(r"[,，、;；/|。.!！?？\n]+|\s+(?:and|&)\s+", re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_VOCABULARY: dict[str, str] = {normalise(w): key for key, words in WORDS.items() for w in words}


def map_interests(text: str) -> list[str]:
    """Free text → tags, in the order written; words that match no tag are kept as written.

    ``"爬山、看电影，打羽毛球, cosplay"`` → ``["hiking", "movies", "badminton", "cosplay"]``.
    """
    found: list[str] = []
    for chunk in _SEPARATORS.split(text):
        for item in _map_chunk(chunk.strip()):
            if item not in found:
                found.append(item)
    return found


def _map_chunk(chunk: str) -> list[str]:
    if not chunk:
        return []
    if _CJK.search(chunk):
        # Chinese words are not separated by spaces, so spaces separate hobbies.
        return [item for token in chunk.split() for item in _match(token) or [token]]
    # Latin text: "table tennis" is one hobby, "jogging swimming" two.
    whole = _match(chunk)
    if whole:
        return whole
    return [item for token in chunk.split() for item in _match(token) or [token]]


def _match(word: str) -> list[str]:
    key = normalise(word)
    if key in _VOCABULARY:
        return [_VOCABULARY[key]]
    # "周末爬山和骑车": every known Chinese word inside it counts.
    contained = [tag for vocab, tag in _VOCABULARY.items() if _CJK.search(vocab) and vocab in key]
    if contained:
        return list(dict.fromkeys(contained))
    best = process.extractOne(key, list(_VOCABULARY), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    return [_VOCABULARY[best[0]]] if best else []
