"""The Wagtail admin's main menu as a person sees it: read from the sidebar's JSON props."""

import json
import re

PROPS = re.compile(
    r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', re.S
)


def _items(value, prefix=()):
    """(labels path, url) of every link in a telepath-packed menu, depth first."""
    if isinstance(value, dict):
        kind = value.get("_type", "")
        args = value.get("_args") or []
        if kind.endswith("LinkMenuItem"):
            yield (*prefix, args[0]["label"]), args[0]["url"]
            return
        if kind.endswith("SubMenuItem"):
            label = args[0]["label"]
            for child in args[1]:
                yield from _items(child, (*prefix, label))
            return
        if kind.endswith("PageExplorerMenuItem"):
            yield (*prefix, args[0]["label"]), args[0]["url"]
            return
        for child in value.values():
            yield from _items(child, prefix)
    elif isinstance(value, list):
        for child in value:
            yield from _items(child, prefix)


def main_menu(html: str) -> dict[str, str]:
    """{"Label" or "Group / Label": url} of the main menu (not the account menu)."""
    match = PROPS.search(html)
    assert match, "サイドバーがありません"
    props = json.loads(match[1])
    modules = props["_args"][0] if "_args" in props else props["modules"]
    menu = {}
    for module in modules:
        if module.get("_type", "").endswith("MainMenuModule"):
            for labels, url in _items(module["_args"][0]):
                menu[" / ".join(labels)] = url
    return menu
