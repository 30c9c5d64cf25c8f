"""The production topology, checked without a Docker engine.

docker-compose.yml must load as Compose v2 loads it (duplicate keys refused, the compose-spec
JSON schema, vendored in docker/compose-spec.schema.json because CI has no network), name only
pinned images, only manage.py commands and options that exist, and health checks whose programs
are in their images.
"""

import http.server
import json
import os
import re
import shlex
import subprocess
import sys
import threading
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.core.management import get_commands, load_command_class
from yamllint import linter
from yamllint.config import YamlLintConfig

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
SCHEMA = ROOT / "docker" / "compose-spec.schema.json"

# Programs known to ship in upstream images (their official images; no engine here to look).
UPSTREAM_PROGRAMS = {
    "postgres": {"pg_isready", "psql", "sh"},
    "redis": {"redis-cli", "sh"},
    "nginx": {"nginx", "sh"},
    # The Elasticsearch image ships curl; its own docs' compose health check uses it.
    "docker.elastic.co/elasticsearch/elasticsearch": {"curl", "sh"},
    "python": {"python", "sh"},
}
# What a Debian package adds, for the packages the Dockerfiles install.
DEBIAN_PACKAGE_PROGRAMS = {
    "curl": {"curl"},
    "postgresql-client-15": {"pg_dump", "pg_restore", "psql", "pg_isready"},
}


class DuplicateKey(Exception):
    pass


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping, as Compose v2 does.

    Keys brought in by a merge (<<: *anchor) may be overridden: that is not a duplicate.
    """

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise DuplicateKey(
                    f'mapping key "{key}" already defined at line {key_node.start_mark.line + 1}'
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


def load_compose(text: str) -> dict:
    return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a SafeLoader subclass


def lint_problems(text: str) -> list[str]:
    config = YamlLintConfig("rules: {key-duplicates: enable}")
    return [f"{p.line}: {p.message}" for p in linter.run(text, config)]


def validate(text: str) -> dict:
    """The checks Compose runs when loading: duplicate keys, then the specification's schema."""
    problems = lint_problems(text)
    if problems:
        raise DuplicateKey("; ".join(problems))
    data = load_compose(text)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(data)
    return data


@pytest.fixture(scope="module")
def compose() -> dict:
    return validate(COMPOSE.read_text(encoding="utf-8"))


# --- the file loads ---------------------------------------------------------------------------
def test_the_compose_file_loads_under_the_compose_specification(compose):
    assert {"db", "elasticsearch", "redis", "migrate", "web", "nginx", "backup"} <= set(
        compose["services"]
    )


def test_a_key_given_twice_is_refused_like_compose_v2_does():
    """The defect of issue 17: search-worker had depends_on twice."""
    text = (
        "services:\n"
        "  search-worker:\n"
        "    image: example:1.0.0\n"
        "    depends_on:\n"
        "      migrate: {condition: service_completed_successfully}\n"
        "    depends_on:\n"
        "      migrate: {condition: service_completed_successfully}\n"
        "  migrate:\n"
        "    image: example:1.0.0\n"
    )
    assert any("duplication" in p for p in lint_problems(text))
    with pytest.raises(DuplicateKey, match="depends_on"):
        load_compose(text)


def test_the_schema_refuses_what_compose_refuses():
    """The vendored schema is the real one: an unknown service key fails validation."""
    with pytest.raises(jsonschema.ValidationError):
        validate("services:\n  web:\n    image: example:1.0.0\n    depend_on: [db]\n")
    assert SCHEMA.stat().st_size > 50_000  # the whole specification, not a stand-in


# --- images -----------------------------------------------------------------------------------
def dockerfile_bases(path: Path) -> list[str]:
    """The FROM images of a Dockerfile, with ARG defaults substituted."""
    args: dict[str, str] = {}
    bases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        words = line.split()
        if not words:
            continue
        if words[0] == "ARG" and "=" in words[1]:
            name, _sep, value = words[1].partition("=")
            args[name] = value
        elif words[0] == "FROM":
            image = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args.get(m[1] or m[2], ""), words[1])
            bases.append(image)
    return bases


def split_image(image: str) -> tuple[str, str]:
    name, _sep, tag = image.rpartition(":")
    if not name or "/" in tag:
        return image, ""
    return name, tag


def build_context(service: dict) -> Path:
    build = service["build"]
    context = build if isinstance(build, str) else build.get("context", ".")
    return ROOT / context


def service_images(compose) -> dict[str, str]:
    """Each service's image: its `image`, or the final FROM of the Dockerfile it builds."""
    images = {}
    for name, service in compose["services"].items():
        if "build" in service:
            images[name] = dockerfile_bases(build_context(service) / "Dockerfile")[-1]
        else:
            images[name] = service["image"]
    return images


def test_every_image_is_pinned_to_an_exact_version(compose):
    pulled = [s["image"] for s in compose["services"].values() if "image" in s]
    built = [
        base
        for s in compose["services"].values()
        if "build" in s
        for base in dockerfile_bases(build_context(s) / "Dockerfile")
    ]
    assert pulled and built
    for image in pulled + built:
        _name, tag = split_image(image)
        assert tag and tag != "latest", f"{image}: タグがありません"
        assert re.match(r"^\d+\.\d+(\.\d+)?(-[\w.-]+)?$", tag), f"{image}: 版が固定されていません"
    for image in built:
        # Built images are the ones rebuilt often: patch level too.
        assert re.match(r"^\d+\.\d+\.\d+", split_image(image)[1]), image


def test_the_app_image_has_the_python_of_the_project_and_the_postgres_client_of_the_db(compose):
    base = dockerfile_bases(ROOT / "Dockerfile")[-1]
    requires = re.search(r'requires-python = ">=(\d+\.\d+)', (ROOT / "pyproject.toml").read_text())
    assert split_image(base)[1].startswith(requires[1] + ".")
    db_major = split_image(compose["services"]["db"]["image"])[1].split(".")[0]
    # pg_dump refuses a server newer than itself: the client's major must be the server's.
    assert f"postgresql-client-{db_major}" in (ROOT / "Dockerfile").read_text()


def test_secrets_and_local_state_stay_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", "var", ".git"} <= set(ignored)
    assert not any(pattern.startswith("docker") for pattern in ignored)  # the health check


# --- manage.py commands -----------------------------------------------------------------------
def manage_py_invocations(command) -> list[list[str]]:
    """Every `python manage.py NAME ARGS` in a command, inside `sh -c` scripts too."""
    text = command if isinstance(command, str) else shlex.join(command)
    words = shlex.split(text)
    if words[:2] == ["sh", "-c"]:
        text = words[2]
    # Compose turns $$ into $; the shell then gives ${NAME:-default} its default here.
    text = text.replace("$$", "$")
    text = re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", text)
    found = []
    for part in re.split(r"&&|\|\||;|\n", text):
        words = shlex.split(part)
        if "manage.py" in words:
            found.append(words[words.index("manage.py") + 1 :])
    return found


def test_every_manage_py_command_in_the_topology_exists_with_its_options(compose):
    from django.test import override_settings

    from config.settings import base

    commands = get_commands()
    seen = []
    for name, service in compose["services"].items():
        for invocation in manage_py_invocations(service.get("command", "")):
            command_name, args = invocation[0], invocation[1:]
            assert command_name in commands, f"{name}: manage.py {command_name} はありません"
            command = load_command_class(commands[command_name], command_name)
            # Unknown options fail here as they would at start-up (CommandError, not SystemExit);
            # with the production task backend, which db_worker's defaults are checked against.
            with override_settings(TASKS=base.TASKS):
                command.create_parser("manage.py", command_name).parse_args(args)
            seen.append(command_name)
    assert {"migrate", "search_rebuild", "search_worker", "db_worker", "backup"} <= set(seen)
    assert "send_search_digests" in seen


def test_the_digests_service_sends_daily_and_weekly_mails_and_purges_the_search_log(compose):
    digests = compose["services"]["digests"]
    invocations = manage_py_invocations(digests["command"])
    assert [i[0] for i in invocations] == [
        "send_search_digests",
        "purge_search_log",
        "send_search_digests",
    ]
    digests = [i for i in invocations if i[0] == "send_search_digests"]
    assert [i[i.index("--frequency") + 1] for i in digests] == ["daily", "weekly"]


def test_an_unknown_command_or_option_is_caught():
    from django.core.management.base import CommandError

    (invocation,) = manage_py_invocations("python manage.py backup --keep-forever 3")
    command = load_command_class(get_commands()["backup"], "backup")
    with pytest.raises(CommandError):
        command.create_parser("manage.py", "backup").parse_args(invocation[1:])
    assert "search_rebuid" not in get_commands()


def test_the_backup_service_keeps_the_files_and_prunes_old_archives(compose):
    backup = compose["services"]["backup"]
    (invocation,) = manage_py_invocations(backup["command"])
    assert invocation[0] == "backup" and "--keep-days" in invocation
    volumes = set(backup["volumes"])
    assert {"media:/data/media", "private:/data/private", "backups:/backups"} <= volumes
    assert compose["x-app"]["environment"]["BACKUP_DIR"] == "/backups"
    assert "backups" in compose["volumes"]


# --- health checks and start order ------------------------------------------------------------
def programs_in(image: str, dockerfile: Path | None) -> set[str]:
    name, _tag = split_image(image)
    programs = set(UPSTREAM_PROGRAMS.get(name, set()))
    if dockerfile is not None:
        text = dockerfile.read_text(encoding="utf-8")
        for packages in re.findall(r"apt-get install[^\n]*?((?:[\w.+-]+\s*(?:\\\n\s*)?)+)", text):
            for package in packages.split():
                programs |= DEBIAN_PACKAGE_PROGRAMS.get(package, set())
    return programs


def healthcheck_program(test) -> str:
    if isinstance(test, str):
        return shlex.split(test)[0]
    kind, *rest = test
    return shlex.split(rest[0])[0] if kind == "CMD-SHELL" else rest[0]


def test_the_services_others_wait_for_have_health_checks_their_images_can_run(compose):
    images = service_images(compose)
    for name in ("db", "elasticsearch", "redis", "web"):
        service = compose["services"][name]
        assert "healthcheck" in service, f"{name} にヘルスチェックがありません"
        program = healthcheck_program(service["healthcheck"]["test"])
        dockerfile = build_context(service) / "Dockerfile" if "build" in service else None
        assert program in programs_in(images[name], dockerfile), (
            f"{name}: {program} はイメージ {images[name]} にありません"
        )


def test_the_web_health_check_script_is_in_the_image(compose):
    test = compose["services"]["web"]["healthcheck"]["test"]
    assert test[:2] == ["CMD", "python"]
    assert (ROOT / test[2]).is_file()
    assert "COPY . ." in (ROOT / "Dockerfile").read_text()


def test_depends_on_conditions_name_services_that_can_meet_them(compose):
    services = compose["services"]
    for name, service in services.items():
        depends = service.get("depends_on", {})
        if isinstance(depends, list):
            depends = {d: {"condition": "service_started"} for d in depends}
        for target, rule in depends.items():
            assert target in services, f"{name} -> {target}"
            condition = rule.get("condition", "service_started")
            if condition == "service_healthy":
                assert "healthcheck" in services[target], f"{name} -> {target}: ヘルスチェックなし"
            if condition == "service_completed_successfully":
                assert services[target].get("restart") == "no", f"{target} は終了しないサービス"


# --- the web health check itself --------------------------------------------------------------
class _Handler(http.server.BaseHTTPRequestHandler):
    status = 200
    seen: list = []

    def do_GET(self):  # noqa: N802 - http.server's name
        type(self).seen.append(dict(self.headers))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


def run_healthcheck(port: int) -> int:
    env = {
        "PATH": os.environ["PATH"],
        "HEALTHCHECK_PORT": str(port),
        "ALLOWED_HOSTS": "banso.example.jp,localhost",
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "docker" / "healthcheck.py")],
        env=env,
        capture_output=True,
        check=False,
        timeout=30,
    ).returncode


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (302, True), (500, False)])
def test_the_web_health_check_asks_django_as_the_proxy_would(status, healthy):
    handler = type("Handler", (_Handler,), {"status": status, "seen": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert (run_healthcheck(server.server_address[1]) == 0) is healthy
    finally:
        server.shutdown()
        server.server_close()
    (headers,) = handler.seen
    assert headers["Host"] == "banso.example.jp"
    assert headers["X-Forwarded-Proto"] == "https"


def test_the_web_health_check_fails_when_nothing_answers():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    port = server.server_address[1]
    server.server_close()
    assert run_healthcheck(port) == 1
