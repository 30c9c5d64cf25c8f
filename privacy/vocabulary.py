"""The words the detector reads names by: titles, roles, 法人格, industry words, places.

Kept apart from the rules in privacy.detect so a reviewer can extend a list without reading the
rules, and so privacy.variants and privacy.anonymise share one vocabulary.
"""

import re

from taxonomy.vocabularies import SEED, Vocabulary

DASH = "‐‑‒–—―ー−－-"  # the ASCII hyphen last, so it stays literal inside [...]

HONORIFICS = ("さん", "氏", "様", "さま", "君", "くん", "ちゃん", "殿", "御中", "先生")
TITLES = (
    "社長", "会長", "副社長", "専務", "常務", "取締役", "部長", "課長", "係長", "主任", "店長",
    "工場長", "所長", "支店長", "理事長", "院長", "園長", "顧問", "代表", "税理士", "会計士",
    "弁護士", "社労士", "診断士", "さん", "氏", "様", "君", "くん", "ちゃん", "殿", "先生",
)  # fmt: skip
ROLES = (
    "代表取締役", "社長", "会長", "専務", "常務", "部長", "課長", "工場長", "担当", "担当者",
    "後継者", "支援者", "長男", "長女", "次男", "息子", "娘", "先代", "創業者", "経理", "事務",
)  # fmt: skip
LEGAL_FORMS = (
    "特定非営利活動法人", "一般社団法人", "一般財団法人", "公益社団法人", "公益財団法人",
    "医療法人社団", "医療法人財団", "医療法人", "社会福祉法人", "学校法人", "NPO法人",
    "事業協同組合", "協同組合", "株式会社", "有限会社", "合同会社", "合資会社", "合名会社",
    "(株)", "(有)", "(合)", "(同)", "(資)", "(名)", "(医)", "(社)", "(福)", "㈱", "㈲", "㈳", "㈶",
)  # fmt: skip
# Words that end many company names; a known company is often called by what comes before them.
INDUSTRY_WORDS = (
    "ホールディングス", "ソリューションズ", "システムズ", "工業所", "製作所", "鉄工所", "研究所",
    "工務店", "不動産", "自動車", "工業", "精機", "精工", "商事", "商会", "商店", "食品", "建設",
    "建工", "電機", "電気", "電子", "印刷", "運輸", "運送", "物流", "酒造", "醸造", "製菓", "製麺",
    "製陶", "技研", "化成", "化学", "鋳造", "鉄工", "木工", "繊維", "物産", "産業", "興業", "設備",
    "設計", "工房", "農園", "水産", "製薬", "薬品", "住宅", "機械", "機工", "重工", "硝子", "金属",
    "本舗", "テック", "テクノ", "システム", "フーズ", "ファーム", "ラボ", "グループ", "信用金庫",
    "信用組合", "銀行", "商工会議所", "商工会",
    # Institutions and firms in news and reference text (日本航空, 秋田大学, 化学工学協会).
    "航空", "鉄道", "電鉄", "交通", "バス", "電力", "ガス", "石油", "製鉄", "証券", "保険", "生命",
    "新聞", "新聞社", "放送", "出版", "出版社", "書店", "書房", "百貨店", "大学", "学院", "学園",
    "高校", "高等学校", "協会", "連盟", "財団", "ツーリスト", "エアライン", "エアラインズ",
    "レコード", "レコーズ", "スタジオ", "プロダクション", "エンターテインメント", "ゲームス",
    "電灯", "映画", "セメント", "紡績", "製紙", "汽船", "海運", "通運", "ホテルズ",
)  # fmt: skip
# Words that mark a company even after an ordinary katakana word (ミライ工業, but not データ設計).
CORPORATE_WORDS = frozenset(
    (
        "工業", "工業所", "製作所", "鉄工所", "精機", "精工", "商事", "商会", "工務店", "技研", "興業", "物産", "酒造", "醸造",
        "製菓", "化成", "鋳造", "本舗", "ホールディングス", "信用金庫", "信用組合", "銀行", "商工会議所", "商工会", "テック", "建設",
        "電機", "運輸",
        # Firms in news and reference text after a foreign word (ノースウェスト航空, パラマウント映画).
        "航空", "鉄道", "電鉄", "放送", "新聞", "新聞社", "証券", "保険", "生命", "電力", "石油", "製鉄",
        "出版", "出版社", "書房", "百貨店", "エアライン", "エアラインズ", "電灯", "映画", "汽船",
        "海運", "紡績", "製紙",
    )
)  # fmt: skip
INSTITUTIONS = frozenset(["信用金庫", "信用組合", "銀行", "商工会議所", "商工会"])
GENERIC_HEADS = frozenset(
    (
        "地方", "都市", "中央", "地元", "取引", "メイン", "政府系", "民間", "外資系", "市中", "ネット", "信託", "地域", "各",
        "同", "当", "市", "町", "村", "県",
    )
)  # fmt: skip
PREFECTURES = (
    "北海道", "青森", "岩手", "宮城", "秋田", "山形", "福島", "茨城", "栃木", "群馬", "埼玉",
    "千葉", "東京", "神奈川", "新潟", "富山", "石川", "福井", "山梨", "長野", "岐阜", "静岡",
    "愛知", "三重", "滋賀", "京都", "大阪", "兵庫", "奈良", "和歌山", "鳥取", "島根", "岡山",
    "広島", "山口", "徳島", "香川", "愛媛", "高知", "福岡", "佐賀", "長崎", "熊本", "大分",
    "宮崎", "鹿児島", "沖縄",
)  # fmt: skip
REGIONS = frozenset(
    [
        *PREFECTURES, "日本", "本州", "関東", "北関東", "南関東", "首都圏", "東北", "北陸", "甲信越",
        "信越", "東海", "中部", "中京", "近畿", "関西", "京阪神", "阪神", "中国", "四国", "九州",
        "山陰", "山陽", "東日本", "西日本", "道内", "道外",
    ]
)  # fmt: skip
MUNICIPAL_SUFFIXES = ("市", "区", "郡", "町", "村")
ADMIN_SUFFIXES = frozenset(["都", "道", "府", "県", *MUNICIPAL_SUFFIXES])
# What may follow a bare place name for it to be read as a place (浜松駅, 沼津工場, 多治見の).
PLACE_FOLLOWERS = frozenset(
    (
        "駅", "駅前", "工場", "支店", "本社", "本店", "営業所", "事業所", "店", "店舗", "周辺", "近郊", "地区", "地域", "エリア",
        "港", "空港", "出身", "在住", "界隈", "方面", "インター", "市内", "町内", "村内", "郊外", "市街",
    )
)  # fmt: skip
NAME_JOINERS = frozenset("・･&＆")

# Common nouns built like place names (a stem and 町/街/内): they name a kind of place, not one.
# Sudachi or the model sometimes reads them as places; a finding never covers only these.
COMMON_PLACE_NOUNS = frozenset(
    (
        "漁師町", "城下町", "門前町", "宿場町", "港町", "下町", "温泉町", "商店街", "繁華街", "住宅街",
        "問屋街", "工場街", "県内", "市内", "町内", "村内", "区内", "都内", "道内", "府内", "県外",
        "市外", "町外", "村外", "国内", "国外", "海外", "地元", "近隣", "郊外", "市街", "市街地",
        "中心街", "地方", "全国", "各地", "現地", "当地", "本社", "本店", "支店", "都市部", "山間部",
        "沿岸部", "農村", "漁村", "山村", "離島", "城下", "門前", "県庁所在地", "観光地",
    )
)  # fmt: skip

# Lower case, like the views they are matched against (npo法人).
LEGAL_RE = "|".join(re.escape(f.lower()) for f in sorted(LEGAL_FORMS, key=len, reverse=True))
STRIP_LEGAL = re.compile(rf"^(?:{LEGAL_RE})\s*|\s*(?:{LEGAL_RE})$")


# The platform's own words (tools, phases, skills, industries …): every case uses them, and a
# statistical model may still read ホワイトボード or 経営デザインシート as a name. Places are left
# out: a prefecture on its own is a finding when the caller asks for regions.
PLATFORM_TERMS = tuple(
    label
    for vocabulary, rows in SEED.items()
    if vocabulary not in (Vocabulary.REGION, Vocabulary.PREFECTURE)
    for _code, label, *short in rows
    for label in (label, *short)
)
