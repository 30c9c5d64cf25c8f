"""The six questions of the programme's satisfaction survey, worded exactly as in the programme.

Codes are stored; the wording is shown. Question 3 allows several answers.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    field: str
    number: int
    text: str
    choices: tuple[tuple[str, str], ...]
    multiple: bool = False

    def label(self, code: str) -> str:
        return dict(self.choices).get(code, code)


TIME_CHOICES = (
    ("very-long", "とても長い"),
    ("long", "やや長い"),
    ("right", "ちょうどよい"),
    ("short", "やや短い"),
    ("very-short", "とても短い"),
)

QUESTIONS = (
    Question(
        "q1",
        1,
        "今回の訪問支援において、支援チームに対して、ご自身で伝えたいと思われたことを充分にお話しすることができましたか？",
        (
            ("fully", "充分にお話できた"),
            ("mostly", "ややお話できた"),
            ("partly-not", "ややお話できなかった"),
            ("not", "お話できなかった"),
        ),
    ),
    Question(
        "q2",
        2,
        "支援チームは、あなたがお話しされた内容を充分に理解している感じることができましたか？",
        (
            ("fully", "充分に理解していると感じた"),
            ("mostly", "やや理解していると感じた"),
            ("partly-not", "やや理解していないと感じた"),
            ("not", "理解していないと感じた"),
        ),
    ),
    Question(
        "q3",
        3,
        "今回の訪問支援を受けた結果、新たな「気づき」を感じられましたか？（複数選択可）",
        (
            ("current", "会社の現状に対しての新たな「気づき」があった"),
            ("issue", "会社の課題に関して、その原因分析などで新たな「気づき」があった"),
            ("management", "経営を考えるうえで、新たな「気づき」があった"),
            ("none", "特に新たな「気づき」は感じられなかった"),
            ("other", "その他（後日サポートメンバーからお伺いさせてください）"),
        ),
        multiple=True,
    ),
    Question(
        "q4",
        4,
        "今回の訪問支援に関する全体のお打ち合わせ等の時間についてお伺いします。",
        TIME_CHOICES,
    ),
    Question(
        "q5",
        5,
        "今回の訪問支援に関する事前事後の準備等の時間についてお伺いします。",
        TIME_CHOICES,
    ),
    Question(
        "q6",
        6,
        "今回の訪問支援を受けての満足度をお伺いします。",
        (
            ("very-satisfied", "非常に満足"),
            ("satisfied", "満足"),
            ("dissatisfied", "不満"),
            ("very-dissatisfied", "非常に不満"),
        ),
    ),
)

BY_FIELD = {q.field: q for q in QUESTIONS}
