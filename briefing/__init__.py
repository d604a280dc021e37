"""briefing: Kamerbrieven from YAML facts and a Jinja2 template, as DOCX and PDF.

The public API is small: :func:`build` writes a project's letters, :func:`check`
validates them without writing, :func:`absorb` carries edits made in a letter's DOCX
back into its template and facts, and every problem is a :class:`BriefingError`.
WeasyPrint is imported only when a PDF is actually rendered.
"""

# Imported eagerly so that ``briefing.build`` is the function, not the submodule
# of the same name (importing a submodule sets it as an attribute of the package).
from briefing.build import BuildResult, build, check  # isort: skip
from briefing.absorb import absorb
from briefing.errors import BriefingError, InputError, Problems

__all__ = ["BriefingError", "BuildResult", "InputError", "Problems", "absorb", "build", "check"]
