"""The Jinja environment pages are rendered with: strict and escaping, and quicker where Jinja
repeats work for every value or every page (together about a fifth of a render's time at
10,000 studies). Each shortcut gives the same result as Jinja's way (tests/test_golden.py)."""

from __future__ import annotations

from dataclasses import fields
from types import BuiltinFunctionType, FunctionType, MethodType, MethodWrapperType
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from jinja2.runtime import Context
from markupsafe import Markup, escape
from markupsafe._speedups import _escape_inner  # the C function escape() calls

from cryokb.read.model import Entity

_new = str.__new__
_DICT_ATTRS = frozenset(dir(dict))
_ENTITY_ATTRS = frozenset(dir(Entity)) | {f.name for f in fields(Entity)}


def escape_text(value: Any) -> Markup:
    """markupsafe's escape, quicker: Markup is returned as it is (not copied), and str is
    escaped by markupsafe's own C function and wrapped as Markup without Markup's Python
    constructor (which only unwraps objects with __html__, and str has none)."""
    kind = type(value)
    if kind is Markup:
        return value  # type: ignore[no-any-return]
    if kind is str:
        return _new(Markup, _escape_inner(value))
    return escape(value)


class _Template(Template):
    @classmethod
    def _from_namespace(cls, environment: Environment, namespace: Any, globals: Any) -> Any:
        namespace["escape"] = escape_text  # what the compiled template calls on each value
        return super()._from_namespace(environment, namespace, globals)


_FUNCTIONS = {FunctionType, MethodType, BuiltinFunctionType, MethodWrapperType}


class _Context(Context):
    """Jinja's context, calling a plain function at once. Jinja asks each callable on every
    call whether it wants the context passed, twice; a plain function says so by an attribute
    (`jinja_pass_arg`), looked up here once. Anything else goes Jinja's way."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if type(__obj) not in _FUNCTIONS or hasattr(__obj, "jinja_pass_arg"):
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


class _Environment(Environment):
    """Jinja, with the template and context classes above, one globals dict, and `x.name`
    read straight from a dict's or an entity's data where `name` is not an attribute (Jinja
    tries the attribute first, and raising each miss cost 5% of a render)."""

    template_class = _Template
    context_class = _Context

    def make_globals(self, d: Any) -> Any:
        """A template's globals: the environment's own dict when the template brings none
        (none here does). Jinja's ChainMap of the two took 16 µs a page to copy."""
        return super().make_globals(d) if d else self.globals

    def getattr(self, obj: Any, attribute: str) -> Any:
        kind = type(obj)
        if kind is dict and attribute not in _DICT_ATTRS:
            data = obj
        elif kind is Entity and attribute not in _ENTITY_ATTRS:
            data = obj.doc.data
        else:
            return super().getattr(obj, attribute)
        try:
            return data[attribute]
        except KeyError:
            return self.undefined(obj=obj, name=attribute)


def environment() -> Environment:
    """A new environment over generator/templates (the caller adds filters and globals)."""
    return _Environment(
        loader=PackageLoader("cryokb.render", "templates"),
        undefined=StrictUndefined,
        autoescape=True,
        auto_reload=False,  # templates do not change while pages render: no stat per page
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        comment_start_string="{##",  # Markdown anchors look like {#id}
        comment_end_string="##}",
    )
