"""briefing: Kamerbrieven from YAML facts and a Jinja2 template, as DOCX and PDF.

The public API is small: :func:`build` writes a project's letters, :func:`check`
validates them without writing, and every problem is a :class:`BriefingError`.
"""

from briefing.errors import BriefingError, InputError, Problems


def build(*args, **kwargs):
    """Build letters into ``output/`` (see :func:`briefing.build.build`)."""
    from briefing.build import build as _build

    return _build(*args, **kwargs)


def check(*args, **kwargs):
    """Validate letters, write nothing; return the problems (see :func:`briefing.build.check`)."""
    from briefing.build import check as _check

    return _check(*args, **kwargs)


__all__ = ["BriefingError", "InputError", "Problems", "build", "check"]
