import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts.importing import plan_import
from accounts.models import AuditEvent, Organisation, User

pytestmark = pytest.mark.django_db

IMPORT = "/accounts/users/import/"
HEADER = ["メールアドレス", "氏名", "所属組織", "役割", "役職"]


@pytest.fixture
def organisations():
    return [
        Organisation.objects.create(
            name="テスト商工会議所", kind=Organisation.Kind.REQUESTING_BODY
        ),
        Organisation.objects.create(
            name="よろず支援拠点テスト", kind=Organisation.Kind.SUPPORTER_BODY
        ),
    ]


def good_rows():
    return [
        HEADER,
        [
            "ichiro@example.jp",
            "鈴木 一郎",
            "テスト商工会議所",
            "伴走支援員／実施機関",
            "経営指導員",
        ],
        [
            "ｊｉｒｏ＠ｅｘａｍｐｌｅ．ｊｐ",
            "佐藤　次郎",
            "よろず支援拠点テスト",
            "サポートメンバー、研修講師",
            "",
        ],
        ["", "", "", "", ""],  # an empty row is ignored
        ["saburo@example.jp", "高橋 三郎", "", "派遣先企業担当者;伴走支援員", "代表取締役"],
    ]


def as_csv(rows, encoding) -> bytes:
    text = "\r\n".join(",".join(row) for row in rows) + "\r\n"
    return text.encode(encoding)


def as_xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, capture, name, data):
    with capture(execute=True):
        return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})


def assert_imported(response, mailoutbox):
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "3 人を登録し、招待メールを送りました" in response.content.decode()
    ichiro = User.objects.get(email="ichiro@example.jp")
    assert set(ichiro.groups.values_list("name", flat=True)) == {"伴走支援員", "実施機関"}
    assert ichiro.organisation.name == "テスト商工会議所" and ichiro.job_title == "経営指導員"
    jiro = User.objects.get(email="jiro@example.jp")  # full-width address normalised
    assert set(jiro.groups.values_list("name", flat=True)) == {"サポートメンバー", "研修講師"}
    assert jiro.display_name == "佐藤　次郎"
    saburo = User.objects.get(email="saburo@example.jp")
    assert saburo.organisation is None
    assert not any(u.has_usable_password() for u in (ichiro, jiro, saburo))
    assert sorted(m.to[0].rpartition("<")[2].rstrip(">") for m in mailoutbox) == [
        "ichiro@example.jp",
        "jiro@example.jp",
        "saburo@example.jp",
    ]
    assert AuditEvent.objects.filter(action="user_import").count() == 1


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("users.csv", "utf-8-sig"), ("users.csv", "utf-8"), ("名簿.csv", "cp932")],
)
def test_csv_import(
    secretariat_client,
    mailoutbox,
    django_capture_on_commit_callbacks,
    organisations,
    name,
    encoding,
):
    response = upload(
        secretariat_client, django_capture_on_commit_callbacks, name, as_csv(good_rows(), encoding)
    )
    assert_imported(response, mailoutbox)


def test_xlsx_import(
    secretariat_client, mailoutbox, django_capture_on_commit_callbacks, organisations
):
    response = upload(
        secretariat_client, django_capture_on_commit_callbacks, "users.xlsx", as_xlsx(good_rows())
    )
    assert_imported(response, mailoutbox)


def test_a_bad_sheet_is_rejected_whole_with_every_problem(
    secretariat_client, supporter, mailoutbox, django_capture_on_commit_callbacks, organisations
):
    before = User.objects.count()
    rows = [
        HEADER,
        ["good@example.jp", "正しい 行", "テスト商工会議所", "伴走支援員", ""],
        ["not-an-address", "形式 違い", "", "伴走支援員", ""],
        ["dup@example.jp", "重複 一", "", "伴走支援員", ""],
        ["DUP@example.jp", "重複 二", "", "伴走支援員", ""],
        ["noorg@example.jp", "組織 なし", "テスト商工会義所", "伴走支援員", ""],
        ["norole@example.jp", "役割 なし", "", "", ""],
        ["badrole@example.jp", "役割 違い", "", "社長", ""],
        [supporter.email, "別人 です", "", "伴走支援員", ""],
        ["noname@example.jp", "", "", "伴走支援員", ""],
    ]
    response = upload(
        secretariat_client, django_capture_on_commit_callbacks, "bad.xlsx", as_xlsx(rows)
    )
    html = response.content.decode()
    assert response.status_code == 400
    for expected in [
        "3 行目: メールアドレス: メールアドレスの形式が正しくありません。",
        "5 行目: メールアドレス: 4 行目と同じアドレスです。",
        "6 行目: 所属組織: 「テスト商工会義所」は登録されていません。",
        "似た名前: テスト商工会議所",
        "7 行目: 役割: 役割を 1 つ以上入力してください",
        "8 行目: 役割: 「社長」は役割の名前ではありません",
        "9 行目: メールアドレス: このアドレスは別の氏名ですでに登録されています。",
        "10 行目: 氏名: 入力してください。",
        "7 件の問題があるため、誰も登録していません",
    ]:
        assert expected in html, expected
    assert "2 行目:" not in html
    assert User.objects.count() == before
    assert mailoutbox == []


def test_the_same_person_already_registered_is_skipped(
    secretariat_client, supporter, mailoutbox, django_capture_on_commit_callbacks
):
    supporter.display_name = "支援 一郎"
    supporter.save()
    rows = [
        HEADER,
        [supporter.email, "支援　一郎", "", "伴走支援員", ""],
        ["new@example.jp", "新しい 人", "", "伴走支援員", ""],
    ]
    response = upload(
        secretariat_client, django_capture_on_commit_callbacks, "u.csv", as_csv(rows, "utf-8")
    )
    html = response.content.decode()
    assert "1 人を登録し" in html
    assert f"2 行目: {supporter.email} はすでに登録されているため、読み飛ばしました。" in html
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("u.csv", b"\x82\xa0\xff\xfe\x00garbage", "CSV ファイルではないようです"),
        ("u.csv", as_csv([["名前", "メール"], ["a", "b"]], "utf-8"), "必要な列がありません"),
        ("u.pdf", b"%PDF-1.4", "CSV（.csv）または Excel（.xlsx）"),
        ("u.xlsx", b"PK\x03\x04 not really a zip", "Excel ファイル（.xlsx）として読めません"),
        ("u.csv", b"", "空です"),
    ],
)
def test_unreadable_files_are_explained(
    secretariat_client, django_capture_on_commit_callbacks, name, data, message
):
    response = upload(secretariat_client, django_capture_on_commit_callbacks, name, data)
    assert message in response.content.decode()


def test_macro_workbooks_are_refused(secretariat_client, django_capture_on_commit_callbacks):
    import zipfile

    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(as_xlsx(good_rows()))) as source,
        zipfile.ZipFile(buffer, "w") as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"macro")
    response = upload(
        secretariat_client, django_capture_on_commit_callbacks, "m.xlsx", buffer.getvalue()
    )
    assert "マクロを含む" in response.content.decode()


def test_more_rows_than_the_hourly_quota_are_refused(
    secretariat_client, mailoutbox, django_capture_on_commit_callbacks
):
    rows = [HEADER] + [[f"p{i}@example.jp", f"人 {i}", "", "伴走支援員", ""] for i in range(51)]
    response = upload(
        secretariat_client, django_capture_on_commit_callbacks, "u.csv", as_csv(rows, "utf-8")
    )
    assert "1 時間に 50 件まで" in response.content.decode()
    assert not User.objects.filter(email__startswith="p0@").exists()
    assert mailoutbox == []


def test_sample_sheet_opens_in_excel(secretariat_client):
    response = secretariat_client.get("/accounts/users/import/sample.csv")
    assert response.content.startswith("\ufeff".encode())
    assert "メールアドレス,氏名,所属組織,役割,役職" in response.content.decode("utf-8-sig")


def test_control_characters_in_a_cell_are_a_problem_of_its_line(organisations):
    """The NUL check of the file reads its first 4 KB only; a NUL further down reached the
    database, which PostgreSQL refuses with a DataError (a 500 in the upload)."""
    plan = plan_import(
        [
            (2, {"メールアドレス": "nul@example.jp", "氏名": "山田\x00太郎", "役割": "伴走支援員"}),
            (
                3,
                {
                    "メールアドレス": "esc@example.jp",
                    "氏名": "佐藤 花子",
                    "役割": "伴走支援員",
                    "役職": "指導員\x1b[31m",
                },
            ),
            (4, {"メールアドレス": "ok@example.jp", "氏名": "鈴木\t一郎", "役割": "伴走支援員"}),
        ]
    )
    assert plan.problems == [
        "2 行目: 氏名: 制御文字（改行とタブ以外）を含めないでください。",
        "3 行目: 役職: 制御文字（改行とタブ以外）を含めないでください。",
    ]
