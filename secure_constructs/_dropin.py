"""Make a Secure* construct usable wherever its plain counterpart is (a drop-in).

Every Secure* construct is a ``Construct`` that owns the hardened L2 (``SecureBucket``
owns ``.bucket``) next to its companions (key, log bucket, alarms). Subclassing the L2
instead would move the L2's CloudFormation resources up one level in the construct tree and
so change their logical ids: every deployed bucket, table and database would be replaced.
So the constructs *delegate* instead:

* every member of the L2's jsii interface (``s3.IBucket``, ``lambda_.IFunction``,
  ``ec2.IConnectable``...) is defined on the class and forwards to the L2, and the class
  is registered with jsii as implementing that interface, so CDK code (event sources,
  notification destinations, CloudFront origins, ``Connections``) accepts it and calls it;
* any other public attribute of the L2 (``add_lifecycle_rule``, ``metric_errors``,
  ``add_to_role_policy``...) is found on the L2 by ``__getattr__``, so Python call sites
  keep working too.

Behaviour is identical because each call runs on the L2 itself; the cost is one Python
callback per member CDK reads from the construct (a few per wiring, not per resource).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import jsii

T = TypeVar("T", bound=type)

#: Members the construct keeps as its own: its construct-tree node (the construct is the
#: parent of the L2, so ``node`` must stay the construct's own).
_OWN = frozenset({"node"})


def _members(interface: type) -> dict[str, Any]:
    """The public members of a jsii interface, from its proxy class and its bases."""
    proxy = interface.__jsii_proxy_class__()  # type: ignore[attr-defined]
    found: dict[str, Any] = {}
    for name in dir(proxy):
        if name.startswith("_") or name in _OWN:
            continue
        found[name] = inspect.getattr_static(proxy, name)
    return found


def _own_property(name: str, original: property) -> property:
    """A member the construct sets itself (``self.encryption_key = ...``), shown to jsii."""

    def fget(self: Any) -> Any:
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None

    def fset(self: Any, value: Any) -> None:
        self.__dict__[name] = value

    fget.__doc__ = original.__doc__
    return property(fget, fset)


def _forward_property(attr: str, name: str, original: property) -> property:
    def fget(self: Any) -> Any:
        return getattr(getattr(self, attr), name)

    fget.__doc__ = original.__doc__
    if original.fset is None:
        return property(fget)

    def fset(self: Any, value: Any) -> None:
        setattr(getattr(self, attr), name, value)

    return property(fget, fset)


def _forward_method(attr: str, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    # functools.wraps keeps the original signature: jsii reads it to pass a struct as
    # keyword arguments, and users read it in their editors.
    @functools.wraps(original)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(getattr(self, attr), name)(*args, **kwargs)

    return method


class DropIn:
    """Mixin: attributes the construct lacks are looked up on its L2 (see :func:`drop_in`)."""

    _drop_in_delegate: str = ""

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails. Private names and the delegate itself are
        # never forwarded (that would recurse while __init__ has not set it yet).
        attr = type(self)._drop_in_delegate
        if name.startswith("_") or not attr or name == attr:
            raise AttributeError(name)
        delegate = self.__dict__.get(attr)
        if delegate is None:
            raise AttributeError(name)
        return getattr(delegate, name)


def drop_in(*interfaces: type, attr: str, own: tuple[str, ...] = ()) -> Callable[[T], T]:
    """Class decorator: the construct implements *interfaces* by forwarding to ``self.<attr>``.

    Members the class defines itself are kept (a construct may refine one). Attributes the
    interfaces do not declare are looked up on the L2 by :class:`DropIn`'s ``__getattr__``
    (the class must inherit it). *own* names interface properties the construct assigns
    itself in ``__init__`` (a ``SecureBucket``'s ``encryption_key``): they are read from the
    construct, not the L2.
    """

    def decorate(cls: T) -> T:
        for interface in interfaces:
            for name, original in _members(interface).items():
                if name in cls.__dict__:
                    continue
                if isinstance(original, property) and name in own:
                    setattr(cls, name, _own_property(name, original))
                elif isinstance(original, property):
                    setattr(cls, name, _forward_property(attr, name, original))
                elif inspect.isfunction(original):
                    setattr(cls, name, _forward_method(attr, name, original))

        cls._drop_in_delegate = attr  # type: ignore[attr-defined]
        return jsii.implements(*interfaces)(cls)

    return decorate
