from wagtail.models import Site


def site_navigation(request) -> dict:
    """The top navigation: the home page's live menu children, marking the current section."""
    site = Site.find_for_request(request)
    if site is None:
        return {"nav_items": []}
    items = []
    for child in site.root_page.get_children().live().in_menu():
        url = child.get_url(request=request)
        items.append({"title": child.title, "url": url, "current": request.path.startswith(url)})
    return {"nav_items": items}
