"""Romance-scam patterns (杀猪盘) in what members write to each other.

Public anti-fraud material describes one script: win trust, move the chat off the platform, then
bring up an "opportunity" — investment or 理财 with a mentor or an insider, digital currency and
USDT, a gambling site — then ask for money (a transfer, a loan, a fee, a deposit). This module
names the signals of that script in a message; it knows nothing of who wrote it or when. The
caller decides what a signal means: a short safety note to the recipient, a record for the
union's moderators, and, for a link or a request for money from someone matched less than two
days ago, holding the message until the recipient chooses to see it.

Ordinary first conversations talk about work (a member may work in a bank or a fund), money in
passing ("请你喝咖啡") and apps people share ("你用小红书吗"). Words that are only suspicious in
company (投资, 理财, 平台, 收益) need a second sign — an invitation, a promise of returns, a
platform or an amount — before they count. The corpus test measures both directions.
"""

from __future__ import annotations

import enum
import re

from bot.domain.screening import Contact, contact_details, read


class ScamSignal(enum.StrEnum):
    INVESTMENT = "investment"  # 投资、理财、带单、稳赚
    CRYPTO = "crypto"  # 数字货币、USDT、币圈
    GAMBLING = "gambling"  # 博彩、下注、百家乐
    MONEY = "money"  # 转账、借钱、手续费、保证金
    APP = "app"  # 下载这个 App、邀请码
    LINK = "link"
    OFF_PLATFORM = "off_platform"  # 加微信、去别的软件聊
    SECRECY = "secrecy"  # 别告诉家里人
    # A QR code (or another matrix code) in a photo: a WeChat id, a group, a payment, a link.
    # Found in the picture (bot.domain.photos.shows_a_code), not in words.
    CODE = "code"


# Held from someone matched less than two days ago until the recipient asks to see it.
HELD = frozenset({ScamSignal.LINK, ScamSignal.MONEY})


def _any(*words: str) -> re.Pattern[str]:
    return re.compile("|".join(words), re.IGNORECASE)


# Enough on their own.
_STRONG = {
    ScamSignal.INVESTMENT: _any(
        r"稳赚",
        r"包赚",
        r"保本",
        r"零风险",
        r"无风险",
        r"带你(?:赚|做|投|玩|操作)",
        r"带单",
        r"跟单",
        r"喊单",
        r"入金",
        r"出金",
        r"内幕",
        r"内部(?:消息|渠道|数据|员工才|名额|产品)",
        # "有个内部的路子，每个月能多拿两万", "一起做点小生意，我带你"
        r"(?:内部|赚钱|挣钱|发财|来钱)的?(?:路子|门路)",
        r"每(?:个)?月(?:能|可以|都能|就能)?多(?:拿|赚|挣)[0-9一二三四五六七八九十两几]+万",
        r"(?:做|搞)(?:点|个)?小?(?:生意|买卖|项目).{0,6}我带你",
        r"(?:平台|项目|产品|app).{0,8}(?:国企|央企|国资|政府)背景|(?:国企|央企|国资)背景的?(?:平台|项目|产品)",
        r"(?:放|投|存|转|充)(?:在|到|进)(?:这个|我们的?)?平台",
        r"(?:自动|每天|每日|定期)(?:都有)?分红",
        r"亏了(?:算我|我赔|我来)",
        r"必(?:赚|涨|赢)",
        r"梭哈",
        r"提前知道(?:行情|消息|结果|涨跌)",
        r"平台.{0,8}提现|提现(?:秒到|到账|手续费|不了)",
        r"漏洞",
        r"套利",
        r"翻倍",
        r"翻番",
        r"日赚",
        r"一天(?:能)?赚",
        r"躺赚",
        r"高回报",
        r"高收益",
        r"收益率",
        r"回报率",
        r"(?:老师|导师|叔叔|舅舅|表哥|大师)(?:带|指导|的群)",
        r"股票群",
        r"投资群",
        r"理财群",
        r"理财(?:平台|软件|app)",
        r"赚钱的(?:机会|门路|项目)",
        r"回本",
        r"(?:期货|外汇|黄金)(?:平台|交易|走势)",
        r"炒股",
        r"炒外汇",
        r"年化",
        r"[日月]息",
        r"稳定(?:盈利|收益|回报)",
        r"操盘",
        r"跟着?(?:老师|导师|大师|师傅).{0,4}(?:操作|做单|买|投|赚|炒|下单|进场)",
        r"跟着?我(?:操作|投|买|下单)",
        r"进群.{0,6}(?:老师|讲课|听课|带)",
        r"原始股",
        r"打新",
        r"[建拉补]仓",
        r"点位",
        r"(?:带你|赶紧|一起)上车",
        r"挂机.{0,4}赚",
        r"做单",
        r"加仓",
        r"每个?月(?:都有)?分红",
        r"期货",
        r"(?<![0-9一二三四五六七八九十])月入(?:过|上)?[0-9一二三四五六七八九十几百千万]",
        r"闲钱",
        r"(?:帮你|给你|你去|你先)开(?:好|个)?(?:账)?户",
        r"(?:最后的|难得的)机会",
        r"错过(?:就)?没有",
        r"(?:导师|师傅|大师|老师)(?:很厉害|带|讲|说)",
        r"赚了[0-9一二三四五六七八九十几百千]+(?:万|千)",
        r"平台(?:的)?(?:技术员|客服|很正规|是国外)",
        r"(?:这个|了解一下)平台",
        r"收益(?:很高|翻)",
        r"每天都有收益",
        r"(?:看看|给你看)我的收益",
        r"本金",
        r"余额宝太少",
        r"量化",
        r"私募",
        r"抄底",
        r"(?:帮你|替你)下单",
        r"涨停",
        r"杠杆",
        r"认购",
        r"账户余额",
        r"海外项目",
        r"(?:都是|全是)(?:投资|炒股|理财|炒币)赚",
        r"(?:拉你|带你)进.{0,6}群",
        # In English and pinyin, written here without spaces as the text is read.
        r"guaranteed(?:profits?|returns?|income)",
        r"investwithme",
        r"(?:high|stable|daily|passive)(?:returns|profits)",
        r"trading(?:platform|signals?|mentor|group)",
        r"forex",
    ),
    ScamSignal.CRYPTO: _any(
        r"数字货币",
        r"数字(?:资产|藏品)",
        r"虚拟(?:币|货币)",
        r"加密货币",
        r"币圈",
        r"usdt",
        r"(?<![a-z])u币",
        r"搬砖.{0,6}(?:usdt|币|u)|(?:usdt|币)搬砖",
        r"泰达币",
        r"比特币",
        r"bitebi",
        r"\bbtc\b",
        r"\beth\b",
        r"以太坊",
        r"狗狗币",
        r"钱包地址",
        r"挖矿",
        r"矿机",
        r"合约交易",
        r"币安",
        r"欧易",
        r"火币",
        r"链上",
        r"bitcoin",
        r"crypto(?!graph)",
        r"ethereum",
        r"binance",
        r"walletaddress",
    ),
    ScamSignal.GAMBLING: _any(
        r"博彩",
        r"菠菜",
        r"赌博",
        r"赌场",
        r"下注",
        r"押注",
        r"百家乐",
        r"稳赢",
        r"竞彩",
        r"充[0-9一二三四五六七八九十百千]+送",
        r"时时彩",
        r"六合彩",
        r"彩票(?:平台|计划|群)",
        r"押(?:了)?(?:几|一|两)把",
        r"手气",
        r"(?:充|投)得越多",
        r"棋牌(?:平台|游戏)",
        r"(?:网上|线上)(?:赌|娱乐城)",
        r"娱乐城",
        r"澳门(?:线上|平台|官网)",
        r"赢钱",
        r"赢了[0-9一二三四五六七八九十百千万两几]*万",
        r"大小单双",
        r"casino",
        r"baccarat",
        r"betting(?:site|platform|app)",
    ),
    ScamSignal.MONEY: _any(
        # "转个账给我"; not the bank app's "转账记录" or "转账限额"
        r"转(?:个|一下|下|笔|一笔)?[账帐](?!记录|明细|限额|截图|功能|页面|界面|的时候)",
        r"(?:江湖)?救急",
        r"急(?:用|需|要|缺)[^，。！？,.!?]{0,8}钱",
        r"打[0-9一二三四五六七八九十百千万两几]+(?:块|元)?(?:钱)?过来",
        r"打(?:点|些|一点)钱",
        r"(?<![a-z])v我\s*[0-9一二三四五六七八九十百千万两几]",
        r"转(?:给|我)\s*\d*\s*(?:块|元|万|千|百)?",
        r"借(?:我|点|些|一下|一点|钱)",
        r"借给我",
        r"打(?:个|笔|一笔|点)?(?:钱|款)",
        # "先支援我两千块", "还差一万块", "需要钱", "给我充个话费", "帮我买张机票", "转点米给我"
        r"支援(?:我|一下|下我)(?:点|些|一点)?[0-9一二三四五六七八九十两几百千万]*(?:块|元|钱|万|千)",
        # thousands, not "还差20块就包邮" or "还差一万步"
        r"还(?:差|缺)(?:[0-9]{4,}|[0-9一二三四五六七八九十两几]+[千万])(?![步米人字个次名分天年公])",
        r"(?:^|[，,。！!？?；;…~]|我|急|现在|马上|真的)(?:很|急|真的)?需要(?:点|些|一点|一些|一笔)?钱(?![包财])",
        r"(?:给|帮|替)我充(?:个|点|一下|些)?(?:话费|流量|值|会员|q币|点卡|游戏币)",
        r"充(?:个|点|一下)(?:话费|流量|会员|q币|点卡|游戏币)",
        r"(?:给|帮|替)我充(?:个|点|一下)?[0-9一二三四五六七八九十两几百千]+",
        r"(?<![a-z])vivo\s?50(?![0-9])",
        r"(?:给|帮|替)我(?:买|订|出|付)(?:张|个|一张|两张)?(?:机票|车票|火车票|高铁票|船票|路费)",
        r"转(?:点|些|个)?米(?:给我|过来)",
        r"刷流水|走流水|跑分",
        r"汇款",
        r"垫付",
        r"周转",
        r"急(?:用|需)(?:钱|用钱)",
        r"手续费",
        r"保证金",
        r"解冻(?:费|金)",
        r"(?:账户|账号|卡)(?:被|已)?冻结",
        r"(?:提款|提现|到账|解冻|出金).{0,10}税",
        r"税费",
        r"(?:发|给)我(?:个|一个)?红包",
        r"帮我(?:充值|付|交|买单|缴)",
        r"(?:路费|医药费|住院费|学费)(?:还差|不够)",
        r"收款码",
        r"银行卡号",
        r"支付宝(?:账号|转)",
        r"微信(?:转账|转我)",
        r"充(?:值|钱)",
        r"(?:先|给我|你)转(?:个|了)?[0-9一二三四五六七八九十百千万两]",
        r"转(?:到|进)(?:这个|去|平台)",
        r"打[0-9一二三四五六七八九十百千两]+(?:块|元)",
        r"(?:发|给)?(?:个)?红包(?:证明|吧)",
        r"还债",
        r"交一?笔钱",
        r"给我买(?:个|一个)?(?:手机|包|礼物|点卡|金)",
        r"账号密码",
        r"转(?:个)?(?:五二零|520|1314)",
        r"付款",
        r"[定订押]金",
        r"垫(?:钱|资)",
        r"返(?:佣|利|现)",
        r"佣金",
        r"刷单",
        r"点赞.{0,8}(?:返|赚|钱|日结)",
        r"(?:银行卡|身份证|验证码)",
        r"安全账户",
        r"洗钱",
        r"中奖",
        r"关税",
        r"所得税",
        r"培训费",
        r"赎(?:身|金)",
        r"收一?笔(?:钱|款)",
        r"用你的卡",
        r"彩礼钱",
        r"(?:车票|机票|路费|车费)钱?(?:还)?(?:差|不够)",
        # Asked for in the words people use: "给我发个红包", "发个红包给我看看诚意", "发个520",
        # "你给我转点钱", "给我打个钱", "支付宝给我", "我急需3000", "需要五千", "帮我垫一下".
        r"给我(?:发|包)(?!了)(?:个|一个|点|些)?[^，。！？,.!?]{0,6}红包",
        r"(?:发|包)(?:个|一个)?[0-9一二三四五六七八九十百千万两几]*(?:块|元)?的?红包"
        r"(?:给我|过来|来|吧|嘛|呗|呀|看看)",
        r"红包.{0,6}(?:诚意|证明|心意)",
        r"(?:发|转|给)(?:我)?(?:个|一个)?(?:520|1314|五二零|一三一四)(?!的?表情|个?字)",
        r"转(?:点|些|一点|一些)钱",
        r"打(?:个|点)钱",
        r"(?:支付宝|微信|银行卡)(?:给我|转给我|打给我)",
        r"(?:急(?:需|用|要|缺)|需要)\s*(?:[0-9]{3,}(?![0-9]|\s*[年天个次步米斤人号点])|"
        r"[0-9一二三四五六七八九十两几]+(?:块|元|万|千|百)(?![年天个次步米斤人多]))",
        r"帮我垫",
        r"lendme",
        r"borrow(?:some)?money",
        r"send(?:me)?(?:some|the)?(?:money|cash)",
        r"transfer(?:me)?[0-9]|transfer.{0,16}(?:tome|money|yuan|rmb|usd|dollars)",
        r"wire(?:me|themoney)",
        r"red(?:packet|envelope)",
        r"hongbao",
        r"zhuanzhang",
        r"giftcard",
        r"(?:handling|processing|unlock|withdrawal)fee",
        r"deposit",
        r"need(?:\$|¥|rmb)?[0-9]{3,}(?![0-9]*(?:steps|people|km|m\b))",
    ),
    ScamSignal.APP: _any(
        r"下载(?:一下|这个|个|那个)?\s*(?:app|软件|应用|客户端|平台)",
        r"(?:装|安装)(?:一下|这个|个)*(?:app|软件|应用)",
        r"邀请码",
        r"testflight",
        r"下(?:载)?(?:一?个|这个|一下)[^，。,.!?！？]{0,6}(?:app|软件|应用|客户端)",
        r"注册(?:一下|一个|个)?账号",
        r"二维码.{0,8}(?:注册|下载)",
        r"(?:应用宝|应用商店|app\s?store|商店)(?:里)?搜",
        r"体验金",
        r"扫码下载",
        r"苹果(?:手机)?下载不了",
        r"安卓(?:版|下载)",
        r"安装包",
        r"(?:找|加|联系)(?:一下)?(?:我们)?(?:的)?客服",
        r"教你下载",
        r"应用商店搜不到",
        r"下载地址",
        r"推荐码",
        r"download(?:this|the|our)app",
        r"invit(?:ation|e)code",
    ),
    ScamSignal.OFF_PLATFORM: _any(
        r"加(?:我)?(?:个)?(?:微信|v信|vx|wx|qq|扣扣)",
        r"(?:去|到|换到|用)(?:微信|qq|whatsapp|line|telegram|tg|飞机|ins|instagram|小红书|"
        r"skype|电报|纸飞机|抖音|另一个软件|别的软件)(?:上)?(?:聊|说|联系)",
        r"这里(?:聊天)?不(?:方便|安全)",
        r"换个(?:软件|地方)聊",
        r"(?:这里|这个软件|这边)(?:的)?(?:消息)?(?:老是|总是)?(?:延迟|不好用|不太好用|不稳定)",
        r"whatsapp",
        r"纸飞机",
        r"(?<![a-z])line(?![a-z])",
        r"(?:在|到)(?:那?上面|那?里面)(?:聊|玩|说)",
        r"(?:另一个|别的)聊天软件",
        r"(?:addme|findme|textme|messageme|chat|talk|moveto)on"
        r"(?:wechat|whatsapp|telegram|signal|instagram|facebook|messenger|qq)",
    ),
    ScamSignal.SECRECY: _any(
        r"别(?:让|告诉)(?:你)?(?:的)?(?:家里人|家人|父母|爸妈|朋友|同事|他们|任何人|别人)",
        r"不要(?:让|告诉)(?:你)?(?:的)?(?:家里人|家人|父母|爸妈)",
        r"don'?ttell(?:your)?(?:family|parents|friends|anyone)",
    ),
}
# Suspicious only in company: a word from here and one from _COMPANY.
_WEAK = _any(
    r"副业",
    r"被动收入",
    r"搞钱",
    r"交易所",
    r"投资",
    r"投(?:一点|点|一些)",
    r"理财",
    r"股票",
    r"基金",
    r"收益",
    r"赚钱",
    r"平台",
    r"项目",
    r"行情",
)
_COMPANY = _any(
    r"带你",
    r"教你",
    r"你也(?:可以|能|来|试试)",
    r"一起(?:做|投|玩|赚)",
    r"推荐你",
    r"试试",
    r"注册",
    r"下载",
    r"充值",
    r"本金",
    r"\d+\s*(?:%|个点)",
    r"(?:几|[0-9]+)\s*(?:万|千)",
    r"每(?:天|月|周)(?:都)?(?:能)?赚",
    r"赚了",
    r"老师",
    r"机会",
    r"群里",
    r"名额",
    r"规划",
    r"很稳",
    r"跟着我",
    r"听听",
    r"考虑好",
)


_LINK_WORDS = _any(r"链接", r"网址", r"网站", r"网页", r"登录一下")


def scam_signals(text: str) -> frozenset[ScamSignal]:
    """The scam signals in a message (empty: an ordinary message)."""
    normal = read(text).lower()
    squeezed = re.sub(r"\s+", "", normal)
    found = {signal for signal, pattern in _STRONG.items() if pattern.search(squeezed)}
    if _WEAK.search(squeezed) and _COMPANY.search(squeezed):
        found.add(ScamSignal.INVESTMENT)
    if contact_details(text) == Contact.LINK or _LINK_WORDS.search(squeezed):
        found.add(ScamSignal.LINK)
    return frozenset(found)
