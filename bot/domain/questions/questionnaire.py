"""The profile questionnaire, defined as data in one place: every question in the order members
are asked, with its options. Districts come from the deployment's configuration.

Prompts, option labels and error messages are English msgids: the conversation translates them.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain import N_, free_text
from bot.domain.interests import LABELS as INTEREST_LABELS
from bot.domain.questions.model import Kind, Option, Question, Section

ADULT_AGE = 18
OLDEST_AGE = 70

ANY = "any"
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
    Option("male", N_("Man"), aliases=("男", "男性", "男生", "先生")),
    Option("female", N_("Woman"), aliases=("女", "女性", "女生", "女士")),
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


def district_options(districts: Sequence[tuple[str, str]]) -> tuple[Option, ...]:
    """Districts come from the deployment's configuration: (Chinese name, English name)."""
    return tuple(Option(zh, zh, {"zh": zh, "en": en}, _short_names(zh)) for zh, en in districts)


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
            (
                Option(
                    "never_married",
                    N_("Never married"),
                    aliases=("未婚", "没结过婚", "单身", "从未结婚", "未婚单身"),
                ),
                Option("divorced", N_("Divorced"), aliases=("离异", "离婚", "离过婚", "离异单身")),
                Option("widowed", N_("Widowed"), aliases=("丧偶",)),
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
                Option("no_plan", N_("When the time is right"), aliases=("随缘", "看缘分")),
            ),
        ),
        Question(
            "children",
            N_("Children"),
            N_("Would you like to have children?"),
            Kind.SINGLE,
            Section.VALUES,
            (
                Option("want", N_("Want children")),
                Option("dont_want", N_("Do not want children")),
                Option("open", N_("Open to either")),
            ),
        ),
        Question(
            "live_with_parents",
            N_("Living with parents"),
            N_("After marrying, would you live with parents?"),
            Kind.SINGLE,
            Section.VALUES,
            (
                Option("yes", N_("Happy to")),
                Option("no", N_("Rather not")),
                Option("flexible", N_("Can be discussed")),
            ),
        ),
        Question(
            "spending",
            N_("Money"),
            N_("How do you handle money?"),
            Kind.SINGLE,
            Section.VALUES,
            (
                Option("saver", N_("I save")),
                Option("balanced", N_("I balance saving and spending")),
                Option("enjoyer", N_("I enjoy spending")),
            ),
        ),
        Question(
            "weekends",
            N_("Weekends"),
            N_("How do you like to spend weekends?"),
            Kind.SINGLE,
            Section.VALUES,
            (
                Option("outdoors", N_("Outdoors")),
                Option("home", N_("Resting at home")),
                Option("friends", N_("With friends")),
                Option("learning", N_("Learning something")),
            ),
        ),
        Question(
            "pets",
            N_("Pets"),
            N_("How do you feel about pets?"),
            Kind.SINGLE,
            Section.VALUES,
            (
                Option("love", N_("Love them")),
                Option("fine", N_("Fine with them")),
                Option("no", N_("Not for me")),
            ),
        ),
        Question(
            "smoking",
            N_("Smoking"),
            N_("Do you smoke?"),
            Kind.SINGLE,
            Section.VALUES,
            (
                Option("never", N_("Never")),
                Option("sometimes", N_("Sometimes")),
                Option("often", N_("Often")),
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
            maximum=3,
            optional=True,
        ),
        Question(
            "seek_gender",
            N_("Looking for"),
            N_("Who would you like to meet?"),
            Kind.SINGLE,
            Section.LOOKING_FOR,
            (
                Option("female", N_("Women"), aliases=("女", "女生", "女性")),
                Option("male", N_("Men"), aliases=("男", "男生", "男性")),
                Option(ANY, N_("Either"), aliases=("都可以", "不限", "都行")),
            ),
            importance=True,
        ),
        Question(
            "seek_age",
            N_("Their age"),
            N_("What ages would you like to meet? Write a range, for example 25-35."),
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
    )


QUESTIONNAIRE = build_questionnaire()
