"""The code lists of the case interchange format (docs/case-format.md) with Japanese labels.

This module seeds the Term table (migration 0002) and is the reference the tests compare against;
at run time labels come from the database, where the secretariat may edit them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Vocabulary(models.TextChoices):
    INDUSTRY = "industry", _("業種（日本標準産業分類 大分類）")
    REGION = "region", _("地域")
    PREFECTURE = "prefecture", _("都道府県")
    EMPLOYEES = "employees", _("組織規模（従業員数）")
    SALES = "sales", _("売上規模")
    OWNER_TYPE = "owner_type", _("経営者属性")
    OWNER_AGE = "owner_age", _("経営者年齢")
    TREND = "trend", _("傾向")
    SCALE_PHASE = "scale_phase", _("規模×局面")
    APPROACH = "approach", _("支援のアプローチ")
    REQUESTING_BODY = "requesting_body", _("要請機関")
    SUPPORTER_TYPE = "supporter_type", _("支援者のタイプ")
    PHASE = "phase", _("支援のフェーズ")
    TOOL = "tool", _("ツール")
    SKILL = "skill", _("支援者のスキル")


INDUSTRY = [
    ("A", "農業、林業"),
    ("B", "漁業"),
    ("C", "鉱業、採石業、砂利採取業"),
    ("D", "建設業"),
    ("E", "製造業"),
    ("F", "電気・ガス・熱供給・水道業"),
    ("G", "情報通信業"),
    ("H", "運輸業、郵便業"),
    ("I", "卸売業、小売業"),
    ("J", "金融業、保険業"),
    ("K", "不動産業、物品賃貸業"),
    ("L", "学術研究、専門・技術サービス業"),
    ("M", "宿泊業、飲食サービス業"),
    ("N", "生活関連サービス業、娯楽業"),
    ("O", "教育、学習支援業"),
    ("P", "医療、福祉"),
    ("Q", "複合サービス事業"),
    ("R", "サービス業（他に分類されないもの）"),
    ("S", "公務（他に分類されるものを除く）"),
    ("T", "分類不能の産業"),
]

REGION = [
    ("hokkaido", "北海道"),
    ("tohoku", "東北"),
    ("kanto", "関東"),
    ("chubu", "中部"),
    ("hokuriku", "北陸"),
    ("kinki", "近畿"),
    ("chugoku", "中国"),
    ("shikoku", "四国"),
    ("kyushu-okinawa", "九州・沖縄"),
]

_PREFECTURE_NAMES = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
]

# JIS X 0401 code ranges per region, exactly as case-format.md groups them.
_REGION_RANGES = {
    "hokkaido": (1, 1),
    "tohoku": (2, 7),
    "kanto": (8, 14),
    "hokuriku": (15, 18),
    "chubu": (19, 24),
    "kinki": (25, 30),
    "chugoku": (31, 35),
    "shikoku": (36, 39),
    "kyushu-okinawa": (40, 47),
}


def _region_of(number: int) -> str:
    return next(r for r, (lo, hi) in _REGION_RANGES.items() if lo <= number <= hi)


PREFECTURE = [
    (f"{n:02d}", name, _region_of(n)) for n, name in enumerate(_PREFECTURE_NAMES, start=1)
]


def prefectures_in_region(region: str) -> list[str]:
    """The prefecture codes of a region code, e.g. "hokuriku" -> ["15", "16", "17", "18"]."""
    lo, hi = _REGION_RANGES.get(region, (0, -1))
    return [f"{n:02d}" for n in range(lo, hi + 1)]


EMPLOYEES = [
    ("1-5", "5名以下"),
    ("6-20", "6〜20名"),
    ("21-50", "21〜50名"),
    ("51-100", "51〜100名"),
    ("101-300", "101〜300名"),
    ("301+", "301名以上"),
]
SALES = [
    ("under-100m", "1億円未満"),
    ("100m-1b", "1億〜10億円"),
    ("1b-5b", "10億〜50億円"),
    ("5b-10b", "50億〜100億円"),
    ("10b+", "100億円以上"),
]
OWNER_TYPE = [
    ("founder", "創業者"),
    ("successor-family", "後継者（親族内承継）"),
    ("successor-internal", "後継者（社内登用）"),
    ("successor-external", "後継者（外部招へい）"),
    ("other", "その他"),
]
OWNER_AGE = [
    ("20s", "20歳代"),
    ("30s", "30歳代"),
    ("40s", "40歳代"),
    ("50s", "50歳代"),
    ("60s", "60歳代"),
    ("70s+", "70歳以上"),
]
TREND = [("up", "増加"), ("flat", "横ばい"), ("down", "減少")]
SCALE_PHASE = [("large-growth", "規模大×成長局面"), ("small-mid-various", "規模中小×多様な局面")]
APPROACH = [
    ("issue-setting", "課題設定型"),
    ("issue-solving", "課題解決型"),
    ("mixed", "課題設定型と課題解決型の併用"),
]
REQUESTING_BODY = [
    ("meti-bureau", "経済産業局"),
    ("yorozu", "よろず支援拠点"),
    ("chamber", "商工会議所"),
    ("shokokai", "商工会"),
    ("financial-institution", "金融機関"),
    ("smrj", "中小企業基盤整備機構"),
    ("diagnosis-association", "中小企業診断協会"),
    ("other", "その他"),
]
SUPPORTER_TYPE = [("generalist", "ゼネラリスト型"), ("specialist", "専門特化型")]
# (code, label, short label)
PHASE = [
    ("target", "支援対象の見極め（事業者と接する前）", "支援対象の見極め"),
    ("mutual-understanding", "事業者・支援者双方の理解", "双方の理解"),
    ("trust", "信頼関係の構築", "信頼関係の構築"),
    ("awareness", "気づき・腹落ちの促進（本質的課題へのアプローチ）", "気づき・腹落ち"),
    ("motivation", "内発的動機づけ（オーナーシップの発揮）", "内発的動機づけ"),
    ("action", "課題解決（行動変容・成功体験の蓄積）", "課題解決"),
    ("follow-up", "フォローアップ（自走化・自己変革の実現）", "フォローアップ・自走化"),
]
TOOL = [
    ("local-benchmark", "ローカルベンチマーク"),
    ("management-design-sheet", "経営デザインシート"),
    ("mind-map", "マインドマップ"),
    ("whiteboard", "ホワイトボード"),
    ("relationship-diagram", "関連図"),
    ("swot", "SWOT分析"),
    ("employee-survey", "社員アンケート・社員ヒアリング"),
    ("business-flow", "業務フロー図"),
    ("cost-accounting", "原価計算"),
]
SKILL = [
    ("mind", "マインド"),
    ("three-kiku", "3つのキク（聞く・聴く・訊く）"),
    ("four-mieruka", "4つのみえる化"),
    ("facilitation", "ファシリテーション"),
    ("structuring", "構造化"),
    ("tools", "ツール活用"),
    ("team-support", "チームでの支援"),
]

SEED = {
    Vocabulary.INDUSTRY: INDUSTRY,
    Vocabulary.REGION: REGION,
    Vocabulary.PREFECTURE: PREFECTURE,
    Vocabulary.EMPLOYEES: EMPLOYEES,
    Vocabulary.SALES: SALES,
    Vocabulary.OWNER_TYPE: OWNER_TYPE,
    Vocabulary.OWNER_AGE: OWNER_AGE,
    Vocabulary.TREND: TREND,
    Vocabulary.SCALE_PHASE: SCALE_PHASE,
    Vocabulary.APPROACH: APPROACH,
    Vocabulary.REQUESTING_BODY: REQUESTING_BODY,
    Vocabulary.SUPPORTER_TYPE: SUPPORTER_TYPE,
    Vocabulary.PHASE: PHASE,
    Vocabulary.TOOL: TOOL,
    Vocabulary.SKILL: SKILL,
}
