"""The staff UI's shell: branding, sidebar, command palette, language switcher.

The sidebar's groups and items come from the apps (core/navigation.py); each item carries
its permission, so a role sees only what it may use.
"""

from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

from backoffice.core.navigation import sidebar_navigation

UNFOLD = {
    "SITE_TITLE": _("Back Office"),
    "SITE_HEADER": _("Back Office"),
    "SITE_SUBHEADER": _("Sales back office"),
    "SITE_URL": "/",
    "SITE_SYMBOL": "inventory_2",
    "SITE_FAVICONS": [
        {"rel": "icon", "type": "image/svg+xml", "href": lambda r: static("favicon.svg")}
    ],
    # our own files, never inline scripts or handlers (the Content-Security-Policy): every POST
    # form carries an idempotency key (core.idempotency); `data-select-all` checkboxes
    "SCRIPTS": [
        lambda request: static("core/idempotency.js"),
        lambda request: static("core/select-all.js"),
    ],
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "SHOW_LANGUAGES": True,
    "SHOW_BACK_BUTTON": True,
    "DASHBOARD_CALLBACK": "backoffice.reports.dashboard.dashboard_callback",
    "ENVIRONMENT": "backoffice.reports.dashboard.environment_callback",
    "COMMAND": {"search_models": True, "show_history": True},
    "COLORS": {
        "primary": {
            "50": "oklch(97.1% .013 17.38)",
            "100": "oklch(93.6% .032 17.717)",
            "200": "oklch(88.5% .062 18.334)",
            "300": "oklch(80.8% .114 19.571)",
            "400": "oklch(70.4% .191 22.216)",
            "500": "oklch(63.7% .237 25.331)",
            "600": "oklch(57.7% .245 27.325)",
            "700": "oklch(50.5% .213 27.518)",
            "800": "oklch(44.4% .177 26.899)",
            "900": "oklch(39.6% .141 25.723)",
            "950": "oklch(25.8% .092 26.042)",
        },
    },
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        # Each app registers its groups and items in its AppConfig.ready() (core/navigation.py);
        # Unfold calls this on every page.
        "navigation": sidebar_navigation,
    },
}
