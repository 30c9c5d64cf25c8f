"""The Wagtail admin's main menu shows each role what it may use and nothing else (issue 14).

Wagtail shows a menu item to everyone with admin access unless the item checks a permission
itself. What the roles do in the admin (docs/domain.md): the secretariat and editors write and
review cases and know-how; trainers edit curricula and their images and documents, nothing else.
"""

from wagtail import hooks

from . import roles

# Wagtail's help menu leads to its own guide on an outside site, in English, which does not
# describe this site; the keyboard shortcuts stay on the "?" key.
HIDDEN_FROM_EVERYONE = frozenset({"help"})
# The reports (workflows, locked and aging pages, site history) are about reviewing pages.
REPORT_READERS = frozenset({roles.SECRETARIAT, roles.EDITOR})
# Which page types exist in the tree: for whoever administers the site, not for its editors.
SUPERUSER_REPORTS = frozenset({"page-types-usage"})


@hooks.register("construct_main_menu")
def main_menu_by_role(request, menu_items):
    user = request.user
    menu_items[:] = [
        item
        for item in menu_items
        if item.name not in HIDDEN_FROM_EVERYONE
        and (item.name != "reports" or roles.has_any_role(user, REPORT_READERS))
    ]


@hooks.register("construct_reports_menu")
def reports_by_role(request, menu_items):
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name not in SUPERUSER_REPORTS]
