"""A family business where three people share the surname 高橋 (issue 11), built with factories."""

import datetime

from engagements.models import EngagementMember, Record
from tests.factories import UserFactory, VisitFactory, record_saved

from .factories import CompanyFactory, EngagementFactory

PLAN = {
    "team_goal": "会長と店長が、店がこれから何を担うのかを共通の言葉で持てる状態をつくる。",
    "supporter_goal": "どちらかの側に立たない。",
    "plan": "第1〜4回：（実施済み）現状と想いの把握。\n第5回：経営デザインシートにまとめる。",
}
REPORTS = [
    {
        "held_on": "2026-07-14",
        "happened": (
            "株式会社タカハシ商店は、代表の高橋健一社長が製造会社と兼務しており、店の運営は"
            "会長の高橋昭子さん（68）と長女で店長の高橋彩さん（38）が担っている。"
            "1965年創業の干物店で、2024年5月12日に通販を始めた。"
        ),
        "owner_voice": "「主人が生きていたら、といつも考える」（昭子会長）。",
        "next_steps": "次回は数字を一緒に見る。高橋さんに決算書を準備していただく。",
        "concerns": "彩店長の負担が大きい。",
        "tools_used": ["whiteboard"],
        "phase_reached": ["mutual-understanding", "trust"],
    },
    {
        "held_on": "2026-08-04",
        "happened": "昭子会長と彩店長の見方をホワイトボードの左右に書き分けて並べた。",
        "owner_voice": "昭子会長「彩がそんなに通販のことを考えていたとは知らなかった」。",
        "next_steps": "次回は売場と通販の数字をSWOT分析で整理する。",
        "tools_used": ["local-benchmark", "whiteboard"],
        "phase_reached": ["awareness"],
    },
    {
        "held_on": "2026-10-27",
        "happened": (
            "彩店長は経営デザインシートにこれからの店の姿を書いた。"
            "昭子会長は、来年4月に彩店長を取締役にして店の運営を任せたいと自ら話された。"
        ),
        "owner_voice": "彩店長「母の条件は、私が一番守りたいものと同じでした」。",
        "next_steps": "彩店長が引き継ぎの段取り表を作る。",
        "tools_used": ["management-design-sheet", "whiteboard"],
        "phase_reached": ["motivation"],
    },
]


def family_engagement():
    supporter = UserFactory(display_name="山下 誠治")
    engagement = EngagementFactory(
        company=CompanyFactory(name="株式会社タカハシ商店", address="石川県七尾市"),
        team={
            EngagementMember.Role.SUPPORTER: supporter,
            EngagementMember.Role.COMPANY_CONTACT: UserFactory(display_name="高橋 健一"),
        },
    )
    record_saved(engagement, Record.Kind.ACTIVITY_PLAN, PLAN, author=None)
    for number, report in enumerate(REPORTS, start=1):
        day = datetime.date.fromisoformat(report["held_on"])
        visit = VisitFactory(engagement=engagement, number=number, scheduled_on=day)
        record_saved(engagement, Record.Kind.VISIT_REPORT, report, author=None, visit=visit)
    return engagement, supporter
