"""Words every area's pages use, translated once here. The web catalog is listed in LOCALE_PATHS, so these
win over the catalogs of packages installed before our apps (DRF and django-filter say "过滤器" for Filter)."""

from django.utils.translation import gettext_noop

WORDS = [
    gettext_noop("Filter"),
    gettext_noop("Search"),
    gettext_noop("Clear"),
    gettext_noop("Export"),
    gettext_noop("Save"),
    gettext_noop("Cancel"),
]
