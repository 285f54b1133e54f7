"""Normalising what people type: before it is compared with what organisers imported, and before
other members see it."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_SPACES = re.compile(r"\s+")
# Characters that show nothing yet are not format characters (Cf): Hangul fillers, the blank
# Braille pattern, the combining grapheme joiner and Khmer's invisible vowels. They hide a space
# between the letters of a WeChat id as well as a zero-width space does.
BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5")
_ZWJ = "\u200d"
# Emoji joined by a zero-width joiner are one picture (👨‍👩‍👧): the joiner is kept there.
_PICTURE = re.compile(r"[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f]")
# Variation selectors choose how the character before them is drawn (❤️ is ❤ and U+FE0F).
_SELECTOR = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
# Marks drawn on the character before them (combining accents, variation selectors, enclosing
# marks).
_MARKS = re.compile(
    r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f"
    r"\U000e0100-\U000e01ef]"
)
_NOT_DIGITS = re.compile(r"\D")
_MEMBER_NUMBER_NOISE = re.compile(r"[\s\-_./]")


def visible(text: str) -> str:
    """The text as others should get it: without the characters Telegram does not display
    (Unicode format characters such as zero-width spaces, BiDi overrides and soft hyphens, and
    blank fillers), which would let "微\u200b信" look like 微信 to the reader yet not to a screen.
    A joiner between two emoji stays: it is part of the picture."""
    kept: list[str] = []
    for i, char in enumerate(text):
        if char in BLANKS:
            continue
        # A mark with nothing to sit on ("\ufe0f\ufe0f" shows nothing, "\u0300" a stray
        # accent: a nickname of them was no name at all), and a variation selector after
        # another (it varies the character before it, not a selector).
        if _MARKS.match(char) and (not kept or kept[-1].isspace()):
            continue
        if _SELECTOR.match(char) and _SELECTOR.match(kept[-1]):
            continue
        if unicodedata.category(char) == "Cf":
            between_pictures = (
                char == _ZWJ
                and 0 < i < len(text) - 1
                and bool(_PICTURE.match(text[i - 1]))
                and bool(_PICTURE.match(text[i + 1]))
            )
            if not between_pictures:
                continue
        kept.append(char)
    return "".join(kept)


def visible_answer(value: Any) -> Any:
    """``visible`` applied to an answer's words (a text, or each text in a list)."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, list):
        return [visible(item) if isinstance(item, str) else item for item in value]
    return value


def normalise(text: str) -> str:
    """NFKC (full-width letters, digits and punctuation become half-width), single spaces,
    trimmed, case-folded. ``"  Ｚｈａｎｇ　San "`` → ``"zhang san"``."""
    text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub(" ", text).strip().casefold()


def compact(text: str) -> str:
    """``normalise`` without any spaces, for comparing names (``"张 三"`` = ``"张三"``)."""
    return normalise(text).replace(" ", "")


def normalise_member_number(text: str) -> str:
    """Member numbers are compared exactly after this: ``"ｓｈ-00１2 3"`` → ``"SH00123"``."""
    return _MEMBER_NUMBER_NOISE.sub("", unicodedata.normalize("NFKC", text)).upper()


def normalise_phone(text: str) -> str | None:
    """Mainland mobile numbers as 11 digits (``+86 138-0013-8000`` → ``13800138000``); other
    numbers as their digits; None when there are too few digits to be a phone number."""
    digits = _NOT_DIGITS.sub("", unicodedata.normalize("NFKC", text))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if len(digits) >= 7 else None


# Traditional characters and the simplified ones they are written as (2,673 pairs: the
# character map of hanziconv 0.3.2, Apache 2.0, from CUHK's tables, without the characters
# GB 2312 has, which simplified text uses as they are: 溜, 乾, 著): "轉賬", "穩賺" and
# "數字貨幣" are 转账, 稳赚 and 数字货币 to a reader, and must be to a screen.
_TRADITIONAL = (
    "貝車夾見壯妝兒長東岡戔糾來侖兩門協亞軋狀訂訃計飛風負貞釓釔軌軍紇紅紀紉紈紆約紂勁剄剋則厙帥"
    "閂為韋係俠頁唄員狽狹財貢倉倀個倆倫們剗剛芻純紡紛級納紐紕紝紗紓紋紜紖紙島峽峴釘釕釙釗針凍鬥"
    "訌記訐訖訕討訊訓迴浹涇郟徑庫馬畝豈氣軔軒孫閃陝陘陣師時書烏挾脅覎隻衹訛訪訣訥訟設訢訩許訝堊"
    "堅埡執軛軟區敗絆紬絀紿紱紼紺紹紳細紲組終畢閉參側偉偵從徠釵釧釣釩釹釺釤釷産悵陳陸陰處帶帳頂"
    "頃崬崗動務販貫貨貧貪責婦婁婭掆捲掄捫掃捨掗剮規覓視匭國圇華莊飢梘條梟將專脛淶淪淺淵連這啢啓"
    "問啞鹵麥鳥牽氫殺術烴習現郵魚斬張眾晝硃惡惻悶惱愜惲貳賁貶貸費貴賀貺買貿貰貼貽貯鈀鈈鈔鈄鈍鈁"
    "鈣鈎鈥鈞鈧鈉鈕鈐鈦鈃釾報場堝堯備傖傢傘㑳筆殘廁測渢溈渦渾湯湞詞詆詁訶詎評詘訴詗詒詛詐詔診覘"
    "硨硤硯棖棟棡棗棧創剴單喬喪喎喲絰給絎絳絞結絕絝絡絨絲統絢腖腎脹隊階陽馱馮馭發復軲軤軻軺軼軫"
    "軸媯媧頇順項須壺畫揮揀揚幾間開閔閏閑進痙凱殼睏嵐勞勝勛虜欽韌飥圍幃幀無鄉鄆尋氬猶雲葤愛愴愷"
    "愾頒頓頏頎頌頑頊預綁綆經絹綏綈綃綉鉍鉢鈸鉑鈿鈷鉀鈳鈴鉚鉬鈮鈹鉕鉛鉗鈰鉈鉭鉉鈾鈺鉞鉦補裏裊裝"
    "滄溝滅溮溳準詫該詬詿詭話詼詰誇誆誄詮詩試詳詡詢詣誅腸腡腦腫馳馴飭飿飯飪飩飲飫傳僅僂僉傾傷傭"
    "傴債蒓莢莖莧達過違運當魛搗搶損電煩煉煢煒煬楓極楊業楨鳬鳩賅賈賄賃賂賊資幹嗊嗎嗆嗇嗩嗚號匯彙"
    "會琿瑋蛺蜆筧節較輅軾載輊塏塊塒塗塢塤塋壼睞亂媽獁猻獅黽寜農羥義巰肅歲聖勢竪鄔鄖鄒暘暈爺園圓"
    "隕閘盞銨鉺銃銚銱銩鉻鉿鉸銬銠銘銓銣銫銅銑銜鉶銥銦銀銪銖骯誒誠誕誥誨誡誑誚認誦說誣誤誘語爾嘔"
    "嗶嘗嘍嘜嘆嘖慪慚慘慣慳慶態慟漚滻滌漢滸滬漸漣漊滷滿滲滎漁漲滯漬飽餄餎飼飾餏飴綳綢綽緋綱綸緄"
    "緊綾綹綠綿綺綣綬綰網維綫緒綜綻緇綴賓賒賑駁摻摜摑摳摟摶暢塵墊塹稱種碭碸碩遞遜遠對奪奬奩罰閥"
    "閣閨閡閤閩䦛僨僥僕僑僞瘋瘍鳳鳴鳶韍輔輕輒趕趙構榖榿槍榮幗幘劃夢禍禕禎際監盡箋皸匱萊領頗嶁嶇"
    "嶄犖屢瑪瑲瑣麼齊戧熗熒寢實廎颯颱壽臺圖團窪窩聞覡厭勩與嫗獄殞製皚鋨鋇銼鋤鋒鋯鋏鋦鋃鋰鋁鋩鋪"
    "鋟銳鋱銻鋌銷鋅銹鋥噁嘸嘩嘰嘮噴噝嘵嘯餌餃餉養歐毆罷罵鴇鳾鴉鴆輩輥輝輛輪輦輞輜幣幟潷澗漿澆潔"
    "潰澇潑潤潿潯潁編締緞緱緩緝緘緙練緬緲緡緦緹緯線緗緣緻標樅槳樂樓槧樞樣樁彆彈撥撣撫擊撟撈撓撲"
    "撳撏摯層賜賧賦賡賫賤賚賣賠䝼賞賢賬質賙嬋嫿嬌嬈嫵嫻諂調誹課諒論請誶誰諗談諉誼諏諍諄諑廠廢廣"
    "廟廡徹齒衝衛䦟閫閬閭閱瘡瘧瘞鄲鄧鄰鄭憚憤憒憐慮憫慤慫憮憲憂導敵數墮墳墜髮範篋魴魯魷膚膕膠膞"
    "麩複駙駕駒駑駟駛駘駝駔駐頜頡頦鞏颳劊劌劍劇劉葒葷蕒萬葦萵葉翬價儉儈儂儀億踐嶠嶗嶔嶢靚寬審寫"
    "厲璉瑩碼確磑鬧盤窮熱毿殤蝕蝸蝦適豎興暫皺錒錛錶錯錘鍀錠鋼錮錦鋸錁錕錸錄鍆錳鍩錇錢錫鍁錚錙錐"
    "噯噠噹噸噲駡噥噦嬡嬙諳諤諶諦諜諷諱諢諫謀諾諞謂諧諝諼諺謁諛諭諮諸餓餑餜餒餘甌鮁鮑鮒鮎鮍鮃鮐"
    "鮣鮓辦憊懇憑憶懌應儐儕儔儘穇積穌穎艙蒼蓋蓀蒔輳輻輯輸縗縛縞縑縉縟縧縣縊縈縕縝縐縋閶閽閿閹閼"
    "閻閾磣磧磚赬鴟鴣鴒鴝鴕鴞鴨鴦鴛遲遼遷選遺熾燈燜燒燙燁擔擋撿據擓擄撻撾擁擇殫殨澱澮澠濃澾澦澤"
    "濁窵窶窺獨獪獫篤篩築賭賵賴奮龜駭駱駢頷頰頸頻頲頭頹頤樺機樸橋橈樹橢璣璡劑舉墾壇瞘瞜瞞褲鄶鄴"
    "曆曇曉曄歷龍瘻瘮盧螞螄螢膩親覦隨險學嶨嶧踴禦醞戰鎄鍔鍤鍍鍛鍋鍰鍵鍇錨鎇鎂鍬鍥鍶鍚鍘鍺鍾曖璦"
    "環鴯鴿鴰鴴鴻鵁鴷鵂鵃闆闊闌闃闋闈幫謗謊講謎謐謙謖謚謄謝謔謠謅篳簍簀蓽蔔蓯蔣蓮蔞蔦蔭濱濟濜濫"
    "濛濘澀濕濤濰擯擱擠擬擰餅餷餶館餛餞餡燦燴營燭聰聯聳聲禪償優齔檉檔檜檟檢檣騁駿駸醜膽膾臉膿癉"
    "癆療癇點糞糝縫績縲縭縷縵繆縹縴繅縮總縱縶賻購賽賺尷覯覬轂轄輿轅輾鮭鮫鮚鮦鮪鮮鮝鮺蟈螻蟎蟄還"
    "邁韓嚇嚀獲獰磯磽艱襇襉褳褸褻矯屨颶顆虧勵隸斂殮瞭臨嶺嶸嶼耬懞懨彌嬪嬰牆蹌趨麯雖戲壓隱黿齋氈"
    "額題顔顒顓鵝鵓鵠鵑鵜鵡鵒邇謳謭謹謾謬謨謫擺擷擴攆擾擻攄擲鎊鎬鎘鎵鎸鎧鎦鎿鎳鎪鎖䥇鎢鎰鎮鎡斃"
    "蹕蹣檳櫃檻檸檯殯臏臍叢竄竅蟬蟲蟣蟯蕆蕩蕢蕁蕎蕘蕪蕭蕕蕓雛雞雙雜儲礎闖闔闓闕闐簞簡簣簫鼕瀆濺"
    "瀏濾濼瀋瀉斷懟懣豐鯁鯀鯇鯉鯊獷獵歸穢穡瞼醬醫燼燾覲舊騍騎騏騅壙壘鄺䙡聵聶職耮禮癘糧魎繚繞繕"
    "繒織嚕嚙轆轉翹鞦軀鬆觴嬸韙鬩餳歟賾贄贅礙鵪鶉鶇鶊鶄鶓鵬鵮鵲襖襠襝鏰鏢鏟鏑鏡鏗鏈鏤鏝鏘鏹鎩鏜"
    "鏇鏞鏨鏃邊癟瀕瀨瀝瀧瀟餺餾饃餿餼辭蠆蟶蟻蠅鯧鯛鯡鯨鯤鯪鯢鯰鯖鯫鯔懲懷懶寵疇禱禰顛類顙願櫝櫟"
    "櫓櫚櫞櫛牘犢關鬍壞壢壟壚繯繪繫繭繮繳繰繩繡繹薈薊薦薑薔薌蕷穫穩譏譎譜譙識譚譖證轎轔轍曠臘離"
    "難嚦嚨嚮麗簾簽飀颼攏隴廬氌羅羆矇龐騙騖蹺蹻瓊璽覷勸獸獺獻爍韜韞霧厴贋贊贈鰐鯿鰆鰈鰒鰉鯽鰌鰍"
    "鰓鰂鶚鶿鷀鶡鶘鶪鶥鶖鶩齙齣齟齡齠齜寶辮繽繼繾攙攔攖闡闞懺懸櫬櫪櫳櫨櫧籌籃觸黨鐙鐓鐨鏵鐧鐫鐦"
    "鐒鐐鐃鏺鏷鐠鐥鐘鐯竇躉礬礦礪礫豶薺藎藍薩艦覺癤癢癥饉饅饊饈競嚳嚴嚶巋瀾瀲瀰襤騮騫騷騸騰騶騭"
    "曨朧瓏爐臚顢獼麵聹飄蠐蠑贍贏釋糰犧鹹響龑譯議譫罌驁驃驂驄騾驀驅䎱襬襪辯飆鶬鶻鶴鷄鶺鶼鷉鷂鶯"
    "攛㩳攝鹺纏纊纍纈續鐺鐸鐶鐳鐮鐵鐿鐲躊躋躍灃灄顧顥鰥鰜鰟鰭鰣鰨鰧鰮䱷轟護譴譽齎殲贐懼懾櫸欄櫻"
    "饋饒饌蠟蠣癩癧斕覽爛儷儺糲礱髏衊囁囂囀闢闥鞽藭藪藥藝屬齦瓔竈鰲鰾鰹鰳鰱鰻鰵鰷鰼鱈鱅鷗鷚鷖鷓"
    "鷙鑌鑔鑊鑒鑄攢攤囅囉囈顫襯襲齪齬韃韁糴覿巔巒讀讅龔龕驊驕驍歡霽籟籠籙籜灕灑灘藶藺蘢蘆蘋蘄蘇"
    "蘀蘊轢轡酈聾聽艫孌孿玀竊權贖罎儻儼彎饗蠨鬚癬癮癭躑躓變讎讌讋鑣鑞鑥鑠鑕鱉鱖鱗鱔鱘鱒纔纖纓蠱"
    "㘚囌齏鷦鷲鷯鷺鷥鷳鷸攪攣驚驗驛蘭蘞蘚邐邏戀轤欒欏黴籤顬顯曬體髒躚饜靨癰臢瓚靄靆靂靈壩髕鬢蠶"
    "讒讖讕讓癲癱籪贛灝鱟鱠鱧鱣羈鹼鹽攬釀鷿鸊鷹鸇顰韆齲齷艷驟囑靉籩籬籮躥躡鱨鱭觀黌髖鑭鑲鑰欖顱"
    "臠蘿蠻糶廳鼉灣釁纘鑹鑷饞韉灤驢釃黶趲躦矚鱷鱸讜讞黷驥驤纜躪鸕鑾鑼鑿鑽顳顴灧釅鐝钁钂欞鸚戇鸛"
    "驪鬱鱺鸝鸞饢籲膁鬨瀠颻襆鏍閎憖丟眥氳漵媼饑鯒齕虯瘺湊奐緓寧薘輟鰩脫蓴鏌貟鮋瑤輈琺兌鍠廩撚羨"
    "闤奧棲鋶餱鯕鉤翽鐋嚌缽訁膃搖頴輇袞別佇闠齧詵掙產屜嶽雋闍獎鋣餕減堿煥郤銍鎣遝禿魨襴梔贇閌貲"
    "潛癡哢偽祿騌敘茲鳲壋魢柵巹鏽鸏繃筍彥颭傑鈒夠瀦鯷蒞墶簹鈽汙蝟囪鐔悅璿嫋姍穠櫫勻鰏瘓唕鵐鮶噓"
    "淚橫並棬檁暉亙掛薟矓詖換鈑渙鶤鶲毀晉絏鏐內卻災鸌鋙鰠騤馹荊颸魺讚驏緶脈箏褘崠嬤刪盜況顎繢鎔"
    "強嘽懍灩腳崢溫靦豬齶萇崍嚐閒錩冪簷咼棄闒虛羋輬攜轀瑒彠韻壪綌贗玨檮錡屍鵷貓靜鯝淩藹綞鷊摣訒"
    "躕醱蘺鶹贓鮜爭崳噅驌濔淨駰唚澩繈拋豔硜娛喚蔥紵鼴廈慍贔粵戶賕弳兗扡滾纇瀘璫艤驦劄鮊稟煙飣湧"
    "醃瘂屆廝俁鼇躒齇秈遙絛槨黲鯴歿稈蠔傯嶴臥獮艸譾臟猙鮞榪淒緔鮳呂軑鞀瀅沒甕涼檾鱝恥餖鋝紮垵煆"
    "蹤苧鰃誌嶮吳饁廄顏觶騂麅堖紘螿鯗裡閈氹瑉躂廚剝棶錆鸘犛黃詠淥鬁疊熲鯵臒湣驫鱯冇隉褌鎛綯璵諡"
    "勱軹決穭蠍鱂凜啟鵯鼂窯洶鷁燉韝跡幬閆撐銛譸愨鳧頮睜櫥鷫異颮逕鰁稅穀錟嚲廂齗覥鬮歎鱤蹠颺蓧勳"
    "蛻冊宮皰侶擼礄錈鴬鍈遊魘塚坰椏戩襏屭"
)
_SIMPLIFIED = (
    "贝车夹见壮妆儿长东冈戋纠来仑两门协亚轧状订讣计飞风负贞钆钇轨军纥红纪纫纨纡约纣劲刭克则厍帅"
    "闩为韦系侠页呗员狈狭财贡仓伥个俩伦们刬刚刍纯纺纷级纳纽纰纴纱纾纹纭纼纸岛崃岘钉钌钋钊针冻斗"
    "讧记讦讫讪讨讯训回浃泾郏径库马亩岂气轫轩孙闪陕陉阵师时书乌挟胁觃只只讹访诀讷讼设䜣讻许讶垩"
    "坚垭执轭软区败绊䌷绌绐绂绋绀绍绅细绁组终毕闭参侧伟侦从徕钗钏钓钒钕钎钐钍产怅陈陆阴处带帐顶"
    "顷岽岗动务贩贯货贫贪责妇娄娅㧏卷抡扪扫舍挜剐规觅视匦国囵华庄饥枧条枭将专胫涞沦浅渊连这唡启"
    "问哑卤麦鸟牵氢杀术烃习现邮鱼斩张众昼朱恶恻闷恼惬恽贰贲贬贷费贵贺贶买贸贳贴贻贮钯钚钞钭钝钫"
    "钙钩钬钧钪钠钮钤钛钘䥺报场埚尧备伧家伞㑇笔残厕测沨沩涡浑汤浈词诋诂诃讵评诎诉诇诒诅诈诏诊觇"
    "砗硖砚枨栋㭎枣栈创剀单乔丧㖞哟绖给绗绛绞结绝绔络绒丝统绚胨肾胀队阶阳驮冯驭发复轱轷轲轺轶轸"
    "轴妫娲顸顺项须壶画挥拣扬几间开闵闰闲进痉凯壳困岚劳胜勋虏钦韧饦围帏帧无乡郓寻氩犹云荮爱怆恺"
    "忾颁顿颃颀颂顽顼预绑绠经绢绥绨绡绣铋钵钹铂钿钴钾钶铃铆钼铌铍钷铅钳铈铊钽铉铀钰钺钲补里袅装"
    "沧沟灭浉涢准诧该诟诖诡话诙诘夸诓诔诠诗试详诩询诣诛肠脶脑肿驰驯饬饳饭饪饨饮饫传仅偻佥倾伤佣"
    "伛债莼荚茎苋达过违运当鱽捣抢损电烦炼茕炜炀枫极杨业桢凫鸠赅贾贿赁赂贼资干唝吗呛啬唢呜号汇汇"
    "会珲玮蛱蚬笕节较辂轼载轾垲块埘涂坞埙茔壸睐乱妈犸狲狮黾宁农羟义巯肃岁圣势竖邬郧邹旸晕爷园圆"
    "陨闸盏铵铒铳铫铞铥铬铪铰铐铑铭铨铷铯铜铣衔铏铱铟银铕铢肮诶诚诞诰诲诫诳诮认诵说诬误诱语尔呕"
    "哔尝喽唛叹啧怄惭惨惯悭庆态恸沤浐涤汉浒沪渐涟溇卤满渗荥渔涨滞渍饱饸饹饲饰饻饴绷绸绰绯纲纶绲"
    "紧绫绺绿绵绮绻绶绾网维线绪综绽缁缀宾赊赈驳掺掼掴抠搂抟畅尘垫堑称种砀砜硕递逊远对夺奖奁罚阀"
    "阁闺阂合闽䦶偾侥仆侨伪疯疡凤鸣鸢韨辅轻辄赶赵构谷桤枪荣帼帻划梦祸祎祯际监尽笺皲匮莱领颇嵝岖"
    "崭荦屡玛玱琐么齐戗炝荧寝实庼飒台寿台图团洼窝闻觋厌勚与妪狱殒制皑锇钡锉锄锋锆铗锔锒锂铝铓铺"
    "锓锐铽锑铤销锌锈锃恶呒哗叽唠喷咝哓啸饵饺饷养欧殴罢骂鸨䴓鸦鸩辈辊辉辆轮辇辋辎币帜滗涧浆浇洁"
    "溃涝泼润涠浔颍编缔缎缑缓缉缄缂练缅缈缗缌缇纬线缃缘致标枞桨乐楼椠枢样桩别弹拨掸抚击挢捞挠扑"
    "揿挦挚层赐赕赋赓赍贱赉卖赔䞍赏贤账质赒婵婳娇娆妩娴谄调诽课谅论请谇谁谂谈诿谊诹诤谆诼厂废广"
    "庙庑彻齿冲卫䦷阃阆闾阅疮疟瘗郸邓邻郑惮愤愦怜虑悯悫怂怃宪忧导敌数堕坟坠发范箧鲂鲁鱿肤腘胶䏝"
    "麸复驸驾驹驽驷驶骀驼驵驻颌颉颏巩刮刽刿剑剧刘荭荤荬万苇莴叶翚价俭侩侬仪亿践峤崂嵚峣靓宽审写"
    "厉琏莹码确硙闹盘穷热毵殇蚀蜗虾适竖兴暂皱锕锛表错锤锝锭钢锢锦锯锞锟铼录钔锰锘锫钱钖锨铮锱锥"
    "嗳哒当吨哙骂哝哕嫒嫱谙谔谌谛谍讽讳诨谏谋诺谝谓谐谞谖谚谒谀谕谘诸饿饽馃馁余瓯鲅鲍鲋鲇鲏鲆鲐"
    "䲟鲊办惫恳凭忆怿应傧侪俦尽䅟积稣颖舱苍盖荪莳辏辐辑输缞缚缟缣缙缛绦县缢萦缊缜绉缒阊阍阌阉阏"
    "阎阈碜碛砖赪鸱鸪鸰鸲鸵鸮鸭鸯鸳迟辽迁选遗炽灯焖烧烫烨担挡捡据㧟掳挞挝拥择殚㱮淀浍渑浓㳠滪泽"
    "浊窎窭窥独狯猃笃筛筑赌赗赖奋龟骇骆骈颔颊颈频颋头颓颐桦机朴桥桡树椭玑琎剂举垦坛眍䁖瞒裤郐邺"
    "历昙晓晔历龙瘘瘆卢蚂蛳萤腻亲觎随险学峃峄踊御酝战锿锷锸镀锻锅锾键锴锚镅镁锹锲锶钖铡锗钟暧瑷"
    "环鸸鸽鸹鸻鸿䴔䴕鸺鸼板阔阑阒阕闱帮谤谎讲谜谧谦谡谥誊谢谑谣诌筚篓箦荜卜苁蒋莲蒌茑荫滨济浕滥"
    "蒙泞涩湿涛潍摈搁挤拟拧饼馇馉馆馄饯馅灿烩营烛聪联耸声禅偿优龀柽档桧槚检樯骋骏骎丑胆脍脸脓瘅"
    "痨疗痫点粪糁缝绩缧缡缕缦缪缥纤缫缩总纵絷赙购赛赚尴觏觊毂辖舆辕辗鲑鲛鲒鲖鲔鲜鲞鲝蝈蝼螨蛰还"
    "迈韩吓咛获狞矶硗艰裥裥裢褛亵矫屦飓颗亏励隶敛殓了临岭嵘屿耧蒙恹弥嫔婴墙跄趋曲虽戏压隐鼋斋毡"
    "额题颜颙颛鹅鹁鹄鹃鹈鹉鹆迩讴谫谨谩谬谟谪摆撷扩撵扰擞摅掷镑镐镉镓镌铠镏镎镍锼锁䦂钨镒镇镃毙"
    "跸蹒槟柜槛柠台殡膑脐丛窜窍蝉虫虮蛲蒇荡蒉荨荞荛芜萧莸芸雏鸡双杂储础闯阖闿阙阗箪简篑箫冬渎溅"
    "浏泸泺沈泻断怼懑丰鲠鲧鲩鲤鲨犷猎归秽穑睑酱医烬焘觐旧骒骑骐骓圹垒邝䙌聩聂职耢礼疠粮魉缭绕缮"
    "缯织噜啮辘转翘秋躯松觞婶韪阋饧欤赜贽赘碍鹌鹑鸫鹒䴖鹋鹏鹐鹊袄裆裣镚镖铲镝镜铿链镂镘锵镪铩镗"
    "旋镛錾镞边瘪濒濑沥泷潇馎馏馍馊饩辞虿蛏蚁蝇鲳鲷鲱鲸鲲鲮鲵鲶鲭鲰鲻惩怀懒宠畴祷祢颠类颡愿椟栎"
    "橹榈橼栉牍犊关胡坏坜垄垆缳绘系茧缰缴缲绳绣绎荟蓟荐姜蔷芗蓣获稳讥谲谱谯识谭谮证轿辚辙旷腊离"
    "难呖咙向丽帘签飗飕拢陇庐氇罗罴蒙庞骗骛跷硚琼玺觑劝兽獭献烁韬韫雾厣赝赞赠鳄鳊䲠鲽鳆鳇鲫䲡鳅"
    "鳃鲗鹗鹚鹚鹖鹕䴗鹛鹙鹜龅出龃龄龆龇宝辫缤继缱搀拦撄阐阚忏悬榇枥栊栌槠筹篮触党镫镦镄铧锏镌锎"
    "铹镣铙䥽镤镨䦅钟䦃窦趸矾矿砺砾豮荠荩蓝萨舰觉疖痒症馑馒馓馐竞喾严嘤岿澜潋弥褴骝骞骚骟腾驺骘"
    "昽胧珑炉胪颟猕面聍飘蛴蝾赡赢释团牺咸响䶮译议谵罂骜骠骖骢骡蓦驱䎬摆袜辩飙鸧鹘鹤鸡鹡鹣䴘鹞莺"
    "撺㧐摄鹾缠纩累缬续铛铎镮镭镰铁镱镯踌跻跃沣滠顾颢鳏鳒鳑鳍鲥鳎䲢鳁䲣轰护谴誉赍歼赆惧慑榉栏樱"
    "馈饶馔蜡蛎癞疬斓览烂俪傩粝砻髅蔑嗫嚣啭辟闼鞒䓖薮药艺属龈璎灶鳌鳔鲣鳓鲢鳗鳘鲦鳛鳕鳙鸥鹨鹥鹧"
    "鸷镔镲镬鉴铸攒摊冁啰呓颤衬袭龊龉鞑缰籴觌巅峦读谉龚龛骅骄骁欢霁籁笼箓箨漓洒滩苈蔺茏芦苹蕲苏"
    "萚蕴轹辔郦聋听舻娈孪猡窃权赎坛傥俨弯飨蟏须癣瘾瘿踯踬变雠䜩詟镳镴镥铄锧鳖鳜鳞鳝鲟鳟才纤缨蛊"
    "㘎苏齑鹪鹫鹩鹭鸶鹇鹬搅挛惊验驿兰蔹藓逦逻恋轳栾椤霉签颥显晒体脏跹餍靥痈臜瓒霭叇雳灵坝髌鬓蚕"
    "谗谶谰让癫瘫簖赣灏鲎鲙鳢鳣羁硷盐揽酿䴙䴙鹰鹯颦千龋龌艳骤嘱叆笾篱箩蹿蹑鲿鲚观黉髋镧镶钥榄颅"
    "脔萝蛮粜厅鼍湾衅缵镩镊馋鞯滦驴酾黡趱躜瞩鳄鲈谠谳黩骥骧缆躏鸬銮锣凿钻颞颧滟酽镢䦆镋棂鹦戆鹳"
    "骊郁鲡鹂鸾馕吁肷闹潆飖幞镙闳慭丢眦氲溆媪饥鲬龁虬瘘凑奂绬宁荙辍鳐脱莼镆贠鲉瑶辀珐兑锽廪捻羡"
    "阛奥栖锍糇鲯钩翙铴哜钵讠腽摇颕辁衮别伫阓啮诜挣产屉岳隽阇奖铘馂减碱焕郄铚蓥沓秃鲀襕栀赟闶赀"
    "潜痴咔伪禄骔叙兹鸤垱鱾栅卺锈鹲绷笋彦飐杰钑够潴鳀莅垯筜钸污猬囱镡悦璇袅姗秾橥匀鲾痪唣鹀鲪嘘"
    "泪横并桊檩晖亘挂莶眬诐换钣涣鹍鹟毁晋绁镠内却灾鹱铻鳋骙驲荆飔鲄赞骣缏脉筝袆岽嬷删盗况颚缋镕"
    "强啴懔滟脚峥温腼猪腭苌崃尝闲锠幂檐呙弃阘虚芈辌携辒玚彟韵塆绤赝珏梼锜尸鹓猫静鲴凌蔼缍鹝揸讱"
    "蹰酦蓠鹠赃鲘争嵛咴骕沵净骃吣泶襁抛艳硁娱唤葱纻鼹厦愠赑粤户赇弪兖扦滚颣泸珰舣骦札鲌禀烟饤涌"
    "腌痖届厮俣鳌跞齄籼遥绦椁黪鲺殁秆蚝偬岙卧狝艹谫脏狰鲕杩凄绱鲓吕轪鼗滢没瓮凉苘鲼耻饾锊扎埯煅"
    "踪苎鳂志崄吴馌厩颜觯骍狍垴纮螀鲞里闬凼珉跶厨剥梾锖鹴牦黄咏渌疬叠颎鲹癯愍骉鳠没陧裈镈绹玙谥"
    "劢轵决稆蝎鳉凛启鹎鼌窑汹鹢炖鞴迹帱闫撑铦诪悫凫颒睁橱鹔异飑迳鳈税谷锬亸厢龂觍阄叹鳡跖飏莜勋"
    "蜕册宫疱侣撸硚锩鸴锳游魇冢垧桠戬袯屃"
)
_TO_SIMPLIFIED = str.maketrans(_TRADITIONAL, _SIMPLIFIED)


def simplified(text: str) -> str:
    """The text with traditional characters written as simplified ones, character by
    character (enough for a screen: "轉賬給我" → "转账给我")."""
    return text.translate(_TO_SIMPLIFIED)
