r'''
# @secure-constructs/native

The JavaScript half of the secure-constructs guardrails, as a jsii library: `ScopeOnceAspect`,
a CDK Aspect whose `visit` runs in Node and calls back into Python once per scope it was added
to instead of once per construct (see `docs/performance.md` of secure-constructs).

Not published. `make native` at the repository root builds it with the jsii toolchain pinned in
`package.json` and writes the generated Python package to `aspects/_native/`, which is committed;
a test checks that the committed package was generated from these sources.
'''
from __future__ import annotations

from pkgutil import extend_path
__path__ = extend_path(__path__, __name__)

import abc
import builtins
import datetime
import enum
import typing

import jsii
import publication
import typing_extensions

from jsii._type_checking import cached_type_hints, check_type


from ._jsii import *

class _LazyImport:
    def __init__(self, module_name: str) -> None:
        self._module_name = module_name
        self._module: typing.Any = None
    def __getattr__(self, name: str) -> typing.Any:
        if self._module is None:
            import importlib
            self._module = importlib.import_module(self._module_name)
        return getattr(self._module, name)

if typing.TYPE_CHECKING:

    import aws_cdk as _aws_cdk_ceddda9d
    import constructs as _constructs_77d1e7e8
else:

    _aws_cdk_ceddda9d = _LazyImport("aws_cdk")
    _constructs_77d1e7e8 = _LazyImport("constructs")


@jsii.interface(jsii_type="@secure-constructs/native.IScopeListener")
class IScopeListener(typing_extensions.Protocol):
    '''(experimental) Told once about each scope a {@link ScopeOnceAspect} was added to.

    Implement it in any jsii language (in Python: a class decorated
    ``@jsii.implements(IScopeListener)`` with an ``on_scope`` method).

    :stability: experimental
    '''

    @jsii.member(jsii_name="onScope")
    def on_scope(self, scope: "_constructs_77d1e7e8.IConstruct") -> None:
        '''(experimental) Called once for each scope the aspect is applied to, before CDK visits any construct below it.

        :param scope: the construct ``Aspects.of(scope).add(aspect)`` was called on.

        :stability: experimental
        '''
        ...


class _IScopeListenerProxy:
    '''(experimental) Told once about each scope a {@link ScopeOnceAspect} was added to.

    Implement it in any jsii language (in Python: a class decorated
    ``@jsii.implements(IScopeListener)`` with an ``on_scope`` method).

    :stability: experimental
    '''

    __jsii_type__: typing.ClassVar[str] = "@secure-constructs/native.IScopeListener"

    @jsii.member(jsii_name="onScope")
    def on_scope(self, scope: "_constructs_77d1e7e8.IConstruct") -> None:
        '''(experimental) Called once for each scope the aspect is applied to, before CDK visits any construct below it.

        :param scope: the construct ``Aspects.of(scope).add(aspect)`` was called on.

        :stability: experimental
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__01fe33290a0c8d45d98e1d0370adcf5493e515fc3f127c3aa8a5c499bce5f146)
            check_type(argname="argument scope", value=scope, expected_type=type_hints["scope"])
        return typing.cast(None, jsii.invoke(self, "onScope", [scope]))

# Adding a "__jsii_proxy_class__(): typing.Type" function to the interface
typing.cast(typing.Any, IScopeListener).__jsii_proxy_class__ = lambda : _IScopeListenerProxy


@jsii.implements(_aws_cdk_ceddda9d.IAspect)
class ScopeOnceAspect(
    metaclass=jsii.JSIIMeta,
    jsii_type="@secure-constructs/native.ScopeOnceAspect",
):
    '''(experimental) An Aspect whose ``visit`` runs in JavaScript and reports each of its scopes once.

    CDK calls an Aspect's ``visit`` for every construct at or below every scope it was added
    to. Written in Python, every such call is a round trip through jsii. This Aspect's
    ``visit`` stays in JavaScript and calls back into Python only when a construct is a new
    scope: the construct and none of its ancestors was reported yet. CDK visits a scope
    before its children, so the construct reported is exactly the one
    ``Aspects.of(scope).add(...)`` was called on; every other visit returns at once.

    Nothing of CDK is changed: this is an ordinary Aspect, under both of CDK's aspect
    algorithms (``@aws-cdk/core:aspectStabilization`` on or off), for stacks added after
    ``add()``, for Stages (CDK applies an Aspect up to a Stage boundary, and one added to a
    Stage when that Stage is synthesized), and for one instance added to several scopes
    (each reported once, in the order CDK visits them).

    Report a scope either by subclassing and overriding ``onScope`` (no listener needed), or
    by passing an ``IScopeListener``. Without either, ``visit`` does nothing (a native no-op).

    :stability: experimental
    '''

    def __init__(self, listener: typing.Optional["IScopeListener"] = None) -> None:
        '''
        :param listener: told about each scope; default: none (``onScope`` is then only what a subclass overrides it with).

        :stability: experimental
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__7bca92d0859923071010c62b76d3c70531046f4987baa922439ad87ff4935dee)
            check_type(argname="argument listener", value=listener, expected_type=type_hints["listener"])
        jsii.create(self.__class__, self, [listener])

    @jsii.member(jsii_name="onScope")
    def _on_scope(self, scope: "_constructs_77d1e7e8.IConstruct") -> None:
        '''(experimental) Called once per scope, before anything below it is visited;

        the default tells the
        listener, if any.

        :param scope: the construct the aspect was added to.

        :stability: experimental
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__ca9d28d6a49a0995253080d3a7e7142a269f1dc22ed560f186064e41d392e9b7)
            check_type(argname="argument scope", value=scope, expected_type=type_hints["scope"])
        return typing.cast(None, jsii.invoke(self, "onScope", [scope]))

    @jsii.member(jsii_name="visit")
    def visit(self, node: "_constructs_77d1e7e8.IConstruct") -> None:
        '''(experimental) Report ``node`` if neither it nor an ancestor was reported;

        otherwise return at once.

        :param node: -

        :stability: experimental
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__58d3e07b6455e3dfc7c411bbe3de06c3f4cd00a102f73cc152bd4c7ffcfc5590)
            check_type(argname="argument node", value=node, expected_type=type_hints["node"])
        return typing.cast(None, jsii.invoke(self, "visit", [node]))

    @builtins.property
    @jsii.member(jsii_name="scopeCount")
    def scope_count(self) -> jsii.Number:
        '''(experimental) How many scopes were reported (one ``onScope`` call each).

        :stability: experimental
        '''
        return typing.cast(jsii.Number, jsii.get(self, "scopeCount"))

    @builtins.property
    @jsii.member(jsii_name="visitCount")
    def visit_count(self) -> jsii.Number:
        '''(experimental) How many times CDK called ``visit`` (all of them answered in JavaScript).

        :stability: experimental
        '''
        return typing.cast(jsii.Number, jsii.get(self, "visitCount"))


__all__ = [
    "IScopeListener",
    "ScopeOnceAspect",
]

publication.publish()

def _typecheckingstub__01fe33290a0c8d45d98e1d0370adcf5493e515fc3f127c3aa8a5c499bce5f146(
    scope: _constructs_77d1e7e8.IConstruct,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__7bca92d0859923071010c62b76d3c70531046f4987baa922439ad87ff4935dee(
    listener: typing.Optional[IScopeListener] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__ca9d28d6a49a0995253080d3a7e7142a269f1dc22ed560f186064e41d392e9b7(
    scope: _constructs_77d1e7e8.IConstruct,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__58d3e07b6455e3dfc7c411bbe3de06c3f4cd00a102f73cc152bd4c7ffcfc5590(
    node: _constructs_77d1e7e8.IConstruct,
) -> None:
    """Type checking stubs"""
    pass

for cls in [IScopeListener]:
    typing.cast(typing.Any, cls).__protocol_attrs__ = typing.cast(typing.Any, cls).__protocol_attrs__ - set(['__jsii_proxy_class__', '__jsii_type__'])
