"""Synthetic but realistic union data (Faker zh_CN) for the demo, tests and benchmarks."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

from faker import Faker

# Employers of the kind Shanghai's unions serve; Faker's invented companies fill the long tail.
EMPLOYERS = (
    "上海申通地铁集团有限公司",
    "上海电气集团股份有限公司",
    "上海浦东发展银行",
    "上海市第六人民医院",
    "上海汽车集团股份有限公司",
    "中国商用飞机有限责任公司",
    "上海市浦东新区教育局",
    "上海城投（集团）有限公司",
    "东方航空股份有限公司",
    "上海外高桥造船有限公司",
)
ROSTER_HEADER = ("姓名", "会员号", "工作单位", "手机")


def synthetic_roster(count: int, seed: int = 2026) -> Iterator[tuple[str, str, str, str]]:
    """(real name, member number, employer, phone) rows; member numbers SH0000001, ..."""
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    chooser = random.Random(seed)
    companies = [fake.company() for _ in range(200)]
    for index in range(1, count + 1):
        employer = (
            chooser.choice(EMPLOYERS) if chooser.random() < 0.6 else chooser.choice(companies)
        )
        yield fake.name(), f"SH{index:07d}", employer, fake.phone_number()


def write_roster_csv(path: Path, count: int, seed: int = 2026) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(ROSTER_HEADER)
        writer.writerows(synthetic_roster(count, seed))
    return path
