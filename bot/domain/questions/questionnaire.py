"""The profile questionnaire, defined as data in one place: every question in the order members
are asked, with its options. Districts come from the deployment's configuration.

Prompts, option labels and error messages are English msgids: the conversation translates them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.domain import N_, free_text
from bot.domain.interests import LABELS as INTEREST_LABELS
from bot.domain.questions.model import Kind, Option, Question, Section

ADULT_AGE = 18
OLDEST_AGE = 70

ANY = "any"
# What people write for "no preference" wherever a condition is asked ("不限" for an age range).
NO_PREFERENCE = (
    "不限",
    "都行",
    "都可以",
    "无所谓",
    "随便",
    "没要求",
    "没有要求",
    "不介意",
    "都好",
    "any",
    "either",
    "no preference",
    "whatever",
)
EDUCATION = (
    Option(
        "high_school",
        N_("High school or below"),
        aliases=("高中", "中专", "职高", "技校", "初中", "中学"),
    ),
    Option("college", N_("Junior college"), aliases=("大专", "专科", "高职", "大学专科")),
    Option(
        "bachelor", N_("Bachelor's degree"), aliases=("本科", "大学", "大学本科", "学士", "大本")
    ),
    Option("master", N_("Master's degree"), aliases=("硕士", "研究生", "硕士研究生", "mba")),
    Option("doctorate", N_("Doctorate"), aliases=("博士", "博士研究生", "博士后", "phd")),
)
EDUCATION_RANK = {option.key: rank for rank, option in enumerate(EDUCATION)}
# The same levels as a lowest level wished for ("本科及以上"), for the question about the other.
AT_LEAST = {
    "high_school": N_("High school or above"),
    "college": N_("Junior college or above"),
    "bachelor": N_("Bachelor's or above"),
    "master": N_("Master's or above"),
    "doctorate": N_("Doctorate"),
}
EDUCATION_AT_LEAST = tuple(
    Option(option.key, AT_LEAST[option.key], aliases=option.aliases) for option in EDUCATION
)
GENDERS = (
    Option("male", N_("Man"), aliases=("男", "男性", "男生", "先生", "男的", "男士", "男人")),
    Option("female", N_("Woman"), aliases=("女", "女性", "女生", "女士", "女的", "女人")),
)
INDUSTRIES = (
    Option(
        "manufacturing",
        N_("Manufacturing"),
        aliases=("制造", "制造业", "工厂", "汽车", "机械", "电子", "化工", "车间"),
    ),
    Option(
        "it",
        N_("IT and internet"),
        aliases=("互联网", "it", "软件", "程序员", "计算机", "科技", "通信"),
    ),
    Option(
        "finance", N_("Finance"), aliases=("金融", "银行", "证券", "保险", "基金", "财务", "会计")
    ),
    Option("education", N_("Education"), aliases=("教育", "学校", "老师", "教师", "培训", "高校")),
    Option(
        "healthcare", N_("Healthcare"), aliases=("医疗", "医院", "医生", "护士", "卫生", "医药")
    ),
    Option(
        "public_sector",
        N_("Government and public institutions"),
        aliases=("公务员", "事业单位", "政府", "机关", "体制内"),
    ),
    Option(
        "transport",
        N_("Transport and logistics"),
        aliases=("物流", "快递", "运输", "交通", "航空", "铁路", "地铁", "港口"),
    ),
    Option(
        "construction",
        N_("Construction and real estate"),
        aliases=("建筑", "房地产", "地产", "装修", "建设"),
    ),
    Option(
        "retail", N_("Trade and retail"), aliases=("零售", "贸易", "销售", "商场", "电商", "外贸")
    ),
    Option(
        "energy",
        N_("Energy and utilities"),
        aliases=("能源", "电力", "水务", "燃气", "石油", "电网"),
    ),
    Option(
        "culture", N_("Culture and media"), aliases=("文化", "媒体", "传媒", "出版", "广告", "新闻")
    ),
    Option("services", N_("Services"), aliases=("服务", "服务业", "餐饮", "酒店", "物业", "旅游")),
    Option("other", N_("Other"), aliases=("其他", "其它")),
)

MARITAL = (
    Option(
        "never_married",
        N_("Never married"),
        aliases=("未婚", "没结过婚", "单身", "从未结婚", "未婚单身", "没结婚"),
    ),
    Option("divorced", N_("Divorced"), aliases=("离异", "离婚", "离过婚", "离异单身")),
    Option("widowed", N_("Widowed"), aliases=("丧偶", "配偶去世", "配偶过世")),
)
# 有无子女 is asked of those who have been married; the never married are taken to have none.
WERE_MARRIED = ("divorced", "widowed")
HAS_CHILDREN = (
    Option(
        "none",
        N_("No children"),
        aliases=("无", "没有", "没", "没有孩子", "没孩子", "无子女", "没有子女", "无孩"),
    ),
    Option(
        "has",
        N_("Have children"),
        aliases=(
            "有",
            "有孩子",
            "有小孩",
            "有娃",
            "有子女",
            "有一个孩子",
            "有个孩子",
            "一个孩子",
            "有一个",
            "有一个女儿",
            "有一个儿子",
            "有两个",
            "有两个孩子",
            "两个孩子",
        ),
    ),
)
HUKOU = (
    Option(
        "local",
        N_("Local hukou"),
        aliases=("本地", "本地户口", "本地户籍", "上海户口", "上海户籍", "沪籍", "本地人"),
    ),
    Option(
        "other",
        N_("Hukou elsewhere"),
        aliases=("外地", "外地户口", "外地户籍", "非本地", "非沪籍", "外省", "外地人"),
    ),
)
HOUSING = (
    Option(
        "own",
        N_("Own a home"),
        aliases=("有房", "有房子", "自有住房", "已购房", "已买房", "买房了", "有自己的房子"),
    ),
    Option(
        "rent",
        N_("Renting"),
        aliases=("租房", "租房子", "租", "租的", "在租房", "没房", "没有房", "无房", "还没买房"),
    ),
    Option(
        "family",
        N_("Living with family"),
        aliases=("和父母住", "跟父母住", "住家里", "与父母同住", "和家人住", "家里"),
    ),
    Option("dorm", N_("Staff dormitory"), aliases=("宿舍", "住宿舍", "单位宿舍")),
)

SHANGHAI_DISTRICTS: tuple[tuple[str, str], ...] = (
    ("黄浦区", "Huangpu"),
    ("徐汇区", "Xuhui"),
    ("长宁区", "Changning"),
    ("静安区", "Jing'an"),
    ("普陀区", "Putuo"),
    ("虹口区", "Hongkou"),
    ("杨浦区", "Yangpu"),
    ("闵行区", "Minhang"),
    ("宝山区", "Baoshan"),
    ("嘉定区", "Jiading"),
    ("浦东新区", "Pudong"),
    ("金山区", "Jinshan"),
    ("松江区", "Songjiang"),
    ("青浦区", "Qingpu"),
    ("奉贤区", "Fengxian"),
    ("崇明区", "Chongming"),
)


# Where people say they live instead of the district: its best-known neighbourhoods, and the
# districts merged into it (南汇 2009, 卢湾 2011, 闸北 2015). Names shared by two districts (虹桥)
# are left out.
_PLACES_IN_SHANGHAI: dict[str, tuple[str, ...]] = {
    "黄浦区": ("卢湾", "南市", "外滩", "豫园", "新天地", "打浦桥", "人民广场"),
    "徐汇区": ("徐家汇", "漕河泾", "田林", "龙华", "康健", "华泾"),
    "长宁区": ("中山公园", "古北", "北新泾", "天山"),
    "静安区": ("闸北", "大宁", "彭浦", "南京西路", "不夜城"),
    "普陀区": ("长风", "真如", "长寿路", "桃浦", "曹杨"),
    "虹口区": ("北外滩", "四川北路", "曲阳", "凉城", "江湾镇"),
    "杨浦区": ("五角场", "控江", "新江湾城"),
    "闵行区": ("莘庄", "七宝", "梅陇", "颛桥", "吴泾", "马桥", "浦江镇", "古美"),
    "宝山区": ("大场", "顾村", "淞南", "罗店", "杨行", "月浦", "吴淞", "共康"),
    "嘉定区": ("安亭", "南翔", "江桥", "马陆", "菊园"),
    "浦东新区": (
        "张江",
        "陆家嘴",
        "金桥",
        "川沙",
        "南汇",
        "惠南",
        "外高桥",
        "周浦",
        "康桥",
        "三林",
        "花木",
        "唐镇",
        "临港",
        "世纪公园",
    ),
    "金山区": ("朱泾", "石化", "枫泾", "金山卫"),
    "松江区": ("九亭", "泗泾", "佘山", "洞泾", "松江大学城"),
    "青浦区": ("朱家角", "徐泾", "赵巷", "华新"),
    "奉贤区": ("南桥", "海湾", "庄行", "柘林"),
    "崇明区": ("长兴岛", "横沙", "城桥", "陈家镇"),
}


def district_options(districts: Sequence[tuple[str, str]]) -> tuple[Option, ...]:
    """Districts come from the deployment's configuration: (Chinese name, English name)."""
    return tuple(
        Option(zh, zh, {"zh": zh, "en": en}, _short_names(zh) + _PLACES_IN_SHANGHAI.get(zh, ()))
        for zh, en in districts
    )


def _short_names(name: str) -> tuple[str, ...]:
    """What people call a district without its suffix: 浦东 for 浦东新区, 徐汇 for 徐汇区."""
    for suffix in ("新区", "区", "县", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return (name.removesuffix(suffix),)
    return ()


def build_questionnaire(
    districts: Sequence[tuple[str, str]] = SHANGHAI_DISTRICTS,
) -> tuple[Question, ...]:
    places = district_options(districts)
    return (
        Question(
            "nickname",
            N_("Nickname"),
            N_(
                "What should other members call you? Choose a nickname (not your real name), "
                "at most {maximum} characters."
            ),
            Kind.TEXT,
            Section.ABOUT,
            maximum=free_text.NICKNAME.maximum,
        ),
        Question(
            "gender",
            N_("Gender"),
            N_("Are you a man or a woman?"),
            Kind.SINGLE,
            Section.ABOUT,
            GENDERS,
        ),
        Question(
            "birth_year",
            N_("Year of birth"),
            N_("In which year were you born? (for example 1995)"),
            Kind.YEAR,
            Section.ABOUT,
        ),
        Question(
            "height",
            N_("Height"),
            N_("How tall are you, in centimetres?"),
            Kind.NUMBER,
            Section.ABOUT,
            minimum=130,
            maximum=220,
            unit="cm",
        ),
        Question(
            "education",
            N_("Highest education"),
            N_("What is your highest education?"),
            Kind.SINGLE,
            Section.ABOUT,
            EDUCATION,
        ),
        Question(
            "industry",
            N_("Industry"),
            N_("Which industry do you work in?"),
            Kind.SINGLE,
            Section.ABOUT,
            INDUSTRIES,
        ),
        Question(
            "district",
            N_("District"),
            N_("Which district do you live or work in?"),
            Kind.SINGLE,
            Section.ABOUT,
            places,
        ),
        Question(
            "hometown",
            N_("Hometown"),
            N_("Where is your hometown? (for example 江苏南通)"),
            Kind.TEXT,
            Section.ABOUT,
            maximum=free_text.HOMETOWN.maximum,
            optional=True,
        ),
        Question(
            "marital_status",
            N_("Marital status"),
            N_("What is your marital status?"),
            Kind.SINGLE,
            Section.ABOUT,
            MARITAL,
        ),
        Question(
            "has_children",
            N_("Own children"),
            N_("Do you have children?"),
            Kind.SINGLE,
            Section.ABOUT,
            HAS_CHILDREN,
        ),
        Question(
            "hukou",
            N_("Hukou"),
            N_(
                "Where is your hukou registered? It helps matching; your card shows it only "
                "if you choose so."
            ),
            Kind.SINGLE,
            Section.ABOUT,
            HUKOU,
            optional=True,
        ),
        Question(
            "housing",
            N_("Housing"),
            N_("Where do you live? It helps matching; your card shows it only if you choose so."),
            Kind.SINGLE,
            Section.ABOUT,
            HOUSING,
            optional=True,
        ),
        Question(
            "show_home",
            N_("Show hukou and housing"),
            N_("Should your card show your hukou and housing?"),
            Kind.SINGLE,
            Section.ABOUT,
            (
                Option(
                    "yes",
                    N_("Show them"),
                    aliases=("显示", "可以", "好", "行", "要", "都行", "无所谓"),
                ),
                Option(
                    "no", N_("Keep them private"), aliases=("不显示", "不要", "不用", "隐藏", "不")
                ),
            ),
        ),
        Question(
            "hobbies",
            N_("Hobbies"),
            N_(
                "What do you enjoy doing? Tap all that apply, or write them in your own words "
                "(for example 爬山、摄影、羽毛球). Up to {maximum}."
            ),
            Kind.MULTI,
            Section.ABOUT,
            tuple(Option(key, label) for key, label in INTEREST_LABELS.items()),
            minimum=1,
            maximum=10,
            free_text=True,
        ),
        Question(
            "marriage_timeline",
            N_("When to marry"),
            N_("When would you like to marry?"),
            Kind.SINGLE,
            Section.VALUES,
            (
                Option("within_1y", N_("Within a year"), aliases=("一年内", "今年", "越快越好")),
                Option("in_1_2y", N_("In one or two years"), aliases=("一两年", "1-2年")),
                Option("in_2_3y", N_("In two or three years"), aliases=("两三年", "2-3年")),
                Option("in_3y_plus", N_("In three years or more"), aliases=("三年以上", "不着急")),
                Option(
                    "no_plan",
                    N_("When the time is right"),
                    aliases=("随缘", "看缘分", "随便", "没想好", "不确定"),
                ),
            ),
        ),
        Question(
            "children",
            N_("Children"),
            N_("Would you like to have children?"),
            Kind.SINGLE,
            Section.VALUES,
            (
                Option("want", N_("Want children"), aliases=("想要", "要", "想要孩子", "要孩子")),
                Option(
                    "dont_want",
                    N_("Do not want children"),
                    aliases=("不要", "不想要", "不要孩子", "不想要孩子", "丁克"),
                ),
                Option("open", N_("Open to either"), aliases=("都行", "看情况", "随缘", "无所谓")),
            ),
        ),
        Question(
            "live_with_parents",
            N_("Living with parents"),
            N_("After marrying, would you live with parents?"),
            Kind.SINGLE,
            Section.VALUES,
            (
                Option("yes", N_("Happy to"), aliases=("愿意", "可以", "没问题", "和父母住")),
                Option("no", N_("Rather not"), aliases=("不愿意", "不想", "分开住", "不和父母住")),
                Option("flexible", N_("Can be discussed"), aliases=("商量", "看情况", "都行")),
            ),
        ),
        Question(
            "spending",
            N_("Money"),
            N_("How do you handle money?"),
            Kind.SINGLE,
            Section.VALUES,
            (
                Option(
                    "saver",
                    N_("I save"),
                    aliases=("节省", "节约", "省钱", "存钱", "节俭", "会过日子"),
                ),
                Option(
                    "balanced",
                    N_("I balance saving and spending"),
                    aliases=("适度", "平衡", "有存有花", "该花就花"),
                ),
                Option("enjoyer", N_("I enjoy spending"), aliases=("享受", "爱花钱", "月光")),
            ),
        ),
        Question(
            "weekends",
            N_("Weekends"),
            N_("How do you like to spend weekends?"),
            Kind.SINGLE,
            Section.VALUES,
            (
                Option("outdoors", N_("Outdoors"), aliases=("户外", "出去玩", "运动", "爬山")),
                Option("home", N_("Resting at home"), aliases=("宅", "宅家", "在家", "宅在家")),
                Option("friends", N_("With friends"), aliases=("朋友", "聚会", "和朋友")),
                Option("learning", N_("Learning something"), aliases=("学习", "充电")),
            ),
        ),
        Question(
            "pets",
            N_("Pets"),
            N_("How do you feel about pets?"),
            Kind.SINGLE,
            Section.VALUES,
            (
                Option("love", N_("Love them"), aliases=("喜欢", "很喜欢", "养猫", "养狗")),
                Option("fine", N_("Fine with them"), aliases=("还行", "能接受", "不排斥")),
                Option("no", N_("Not for me"), aliases=("不喜欢", "不要", "过敏", "怕")),
            ),
        ),
        Question(
            "smoking",
            N_("Smoking"),
            N_("Do you smoke?"),
            Kind.SINGLE,
            Section.VALUES,
            (
                Option(
                    "never",
                    N_("Never"),
                    aliases=(
                        "不抽烟",
                        "不抽",
                        "从不抽烟",
                        "从来不",
                        "从来不抽",
                        "不吸烟",
                        "从不",
                        "不会",
                        "没有",
                        "戒了",
                    ),
                ),
                Option(
                    "sometimes", N_("Sometimes"), aliases=("偶尔", "偶尔抽", "偶尔抽烟", "应酬时")
                ),
                Option("often", N_("Often"), aliases=("经常", "经常抽", "抽烟", "吸烟", "每天")),
            ),
        ),
        Question(
            "introduction",
            N_("Introduction"),
            N_(
                "Introduce yourself in a few sentences: what you are like and what you are "
                "looking for (at most {maximum} characters)."
            ),
            Kind.LONG_TEXT,
            Section.ABOUT,
            maximum=free_text.INTRODUCTION.maximum,
            optional=True,
        ),
        Question(
            "photos",
            N_("Photos"),
            N_("Send up to {maximum} photos of yourself, one at a time. Press Done when finished."),
            Kind.PHOTOS,
            Section.ABOUT,
            maximum=6,
            optional=True,
        ),
        Question(
            "seek_gender",
            N_("Looking for"),
            N_("Who would you like to meet?"),
            Kind.SINGLE,
            Section.LOOKING_FOR,
            (
                Option("female", N_("Women"), aliases=("女", "女生", "女性", "女的")),
                Option("male", N_("Men"), aliases=("男", "男生", "男性", "男的")),
                Option(ANY, N_("Either"), aliases=("都可以", "不限", "都行")),
            ),
            importance=True,
            ignorable=False,  # whom one meets is always as asked
        ),
        Question(
            "seek_age",
            N_("Their age"),
            N_("What ages would you like to meet? Write a range, for example 25-35, or 不限."),
            Kind.RANGE,
            Section.LOOKING_FOR,
            minimum=ADULT_AGE,
            maximum=OLDEST_AGE,
            importance=True,
        ),
        Question(
            "seek_districts",
            N_("Their district"),
            N_("In which districts? Tap all that suit you, then Done, or Any district."),
            Kind.MULTI,
            Section.LOOKING_FOR,
            places,
            minimum=1,
            importance=True,
        ),
        Question(
            "seek_education",
            N_("Their education"),
            N_("What education should they have at least?"),
            Kind.SINGLE,
            Section.LOOKING_FOR,
            (
                Option(ANY, N_("No preference")),
                *EDUCATION_AT_LEAST,
            ),
            importance=True,
        ),
        Question(
            "seek_height",
            N_("Their height"),
            N_("What heights would you like? Write a range, for example 165-180, or 不限."),
            Kind.RANGE,
            Section.LOOKING_FOR,
            minimum=130,
            maximum=220,
            importance=True,
            unit="cm",
        ),
        Question(
            "seek_marital",
            N_("Their marital status"),
            N_("Which marital status would suit you? Tap all that do, then Done, or Any."),
            Kind.MULTI,
            Section.LOOKING_FOR,
            MARITAL,
            minimum=1,
            importance=True,
        ),
        Question(
            "accept_children",
            N_("Their children"),
            N_("Could you accept a partner who has children?"),
            Kind.SINGLE,
            Section.LOOKING_FOR,
            (
                # Accepting either is no condition, so it is "any".
                Option(
                    ANY,
                    N_("Yes, that is fine"),
                    aliases=("可以", "接受", "可以接受", "能接受", "没问题", "不介意"),
                ),
                Option(
                    "none",
                    N_("Rather without children"),
                    aliases=("不接受", "不能接受", "不可以", "不行", "介意", "不要"),
                ),
            ),
            importance=True,
        ),
        Question(
            "seek_hukou",
            N_("Their hukou"),
            N_("Should they have a local hukou?"),
            Kind.SINGLE,
            Section.LOOKING_FOR,
            (
                Option(ANY, N_("No preference")),
                Option("local", N_("Local hukou"), aliases=("本地", "本地户口", "上海户口")),
            ),
            importance=True,
        ),
        Question(
            "seek_housing",
            N_("Their housing"),
            N_("Should they own a home?"),
            Kind.SINGLE,
            Section.LOOKING_FOR,
            (
                Option(ANY, N_("No preference")),
                Option("own", N_("Own a home"), aliases=("有房", "有房子", "要有房")),
            ),
            importance=True,
        ),
    )


# A question asked only after some answers to another (see ``implied``): question → that one.
FOLLOW_UP_OF = {"has_children": "marital_status"}


def implied(key: str, value: Any) -> dict[str, Any]:
    """Answers that follow from this one: the never married are not asked about children of
    their own (stored as skipped, so the questionnaire moves on)."""
    if key == "marital_status" and value not in WERE_MARRIED:
        return {"has_children": None}
    return {}


def not_asked(key: str, answers: Mapping[str, Any]) -> bool:
    """Whether a member with these answers is not asked ``key`` at all (有无子女, of someone
    never married): not shown as unanswered, not offered to edit."""
    source = FOLLOW_UP_OF.get(key)
    return source is not None and key in implied(source, answers.get(source))


def asked_after(key: str, value: Any) -> str | None:
    """The question to ask next when this answer was changed on its own (with /edit): a member
    now divorced or widowed is asked about children."""
    return "has_children" if key == "marital_status" and value in WERE_MARRIED else None


QUESTIONNAIRE = build_questionnaire()
