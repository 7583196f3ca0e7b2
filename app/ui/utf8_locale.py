"""A UTF-8 character locale before Qt starts, so that Qt does not switch to one itself and warn.

On Unix, Qt's application object sets the C library's locale from the environment and, when its
character encoding (nl_langinfo(CODESET)) is not UTF-8, switches LC_CTYPE to one that is and prints
a four-line warning ("Detected locale "C" with character encoding "ANSI_X3.4-1968", which is not
UTF-8 ...") on every start (qtbase, QCoreApplicationPrivate::initLocale). A user with no LANG at all
(a fresh container, a CI job, a systemd unit, ssh without AcceptEnv) sees it every time. Python run
as `python` hides it by coercing the C locale to C.UTF-8 at start-up (PEP 538); the bundle's
embedded Python does not (PyInstaller's bootloader pre-initializes it with the isolated
configuration, whose coerce_c_locale is 0: bootloader/src/pyi_pyconfig.c), so the program makes
the same switch itself, in the environment as well
(Qt reads the locale from the environment again), before Qt is imported. A UTF-8 locale the user
set is never touched; only the character category changes, every other category stays as set.
"""

from __future__ import annotations

import codecs
import contextlib
import locale
import os
from collections.abc import MutableMapping

FALLBACKS = ("C.UTF-8", "C.utf8")  # glibc's name and the one some systems use instead
# The categories LC_ALL stands for besides LC_CTYPE (POSIX's and glibc's; locale(7)).
OTHER_CATEGORIES = (
    "LC_COLLATE",
    "LC_MESSAGES",
    "LC_MONETARY",
    "LC_NUMERIC",
    "LC_TIME",
    "LC_PAPER",
    "LC_NAME",
    "LC_ADDRESS",
    "LC_TELEPHONE",
    "LC_MEASUREMENT",
    "LC_IDENTIFICATION",
)


def use_utf8_locale(environ: MutableMapping[str, str] = os.environ) -> str | None:
    """Switch the character locale to UTF-8 when the one in effect is not; returns the new locale's
    name, or None when nothing changed (already UTF-8, not Unix, or no UTF-8 locale installed).

    The C library's LC_CTYPE is set in this process and `LC_CTYPE` in `environ` (for Qt, which
    reads the environment again, and for the programs this one starts)."""
    if os.name != "posix" or not hasattr(locale, "nl_langinfo"):
        return None  # Qt checks the locale on Unix only
    # What the environment asks for, as Qt reads it; a locale that is not installed leaves the one in effect.
    with contextlib.suppress(locale.Error):
        locale.setlocale(locale.LC_CTYPE, "")
    if is_utf8(locale.nl_langinfo(locale.CODESET)):
        return None
    for name in utf8_candidates(locale.setlocale(locale.LC_CTYPE)):
        try:
            locale.setlocale(locale.LC_CTYPE, name)
        except locale.Error:
            continue
        set_ctype_variable(environ, name)
        return name
    return None


def is_utf8(codeset: str) -> bool:
    """True for any spelling of UTF-8 ("UTF-8", "utf8", ...)."""
    try:
        return codecs.lookup(codeset).name == "utf-8"
    except LookupError:
        return False


def utf8_candidates(ctype: str) -> list[str]:
    """The locales Qt tries, in its order: the same language and territory in UTF-8 (the encoding
    and any @variant dropped: "de_DE.ISO-8859-1@euro" -> "de_DE.UTF-8"), then C.UTF-8."""
    base = ctype.split("@", 1)[0].split(".", 1)[0]
    return list(dict.fromkeys([f"{base}.UTF-8", *FALLBACKS]))


def set_ctype_variable(environ: MutableMapping[str, str], name: str) -> None:
    """`LC_CTYPE=name` in `environ`. LC_ALL overrides every LC_* variable, so a set LC_ALL is
    removed and written into each other category instead: they keep the locale it gave them."""
    every = environ.pop("LC_ALL", "")
    if every:
        for category in OTHER_CATEGORIES:
            environ[category] = every
    environ["LC_CTYPE"] = name
