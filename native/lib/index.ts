import type { IAspect } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Told once about each scope a {@link ScopeOnceAspect} was added to.
 *
 * Implement it in any jsii language (in Python: a class decorated
 * `@jsii.implements(IScopeListener)` with an `on_scope` method).
 */
export interface IScopeListener {
  /**
   * Called once for each scope the aspect is applied to, before CDK visits any construct
   * below it.
   *
   * @param scope the construct `Aspects.of(scope).add(aspect)` was called on.
   */
  onScope(scope: IConstruct): void;
}

/**
 * An Aspect whose `visit` runs in JavaScript and reports each of its scopes once.
 *
 * CDK calls an Aspect's `visit` for every construct at or below every scope it was added
 * to. Written in Python, every such call is a round trip through jsii. This Aspect's
 * `visit` stays in JavaScript and calls back into Python only when a construct is a new
 * scope: the construct and none of its ancestors was reported yet. CDK visits a scope
 * before its children, so the construct reported is exactly the one
 * `Aspects.of(scope).add(...)` was called on; every other visit returns at once.
 *
 * Nothing of CDK is changed: this is an ordinary Aspect, under both of CDK's aspect
 * algorithms (`@aws-cdk/core:aspectStabilization` on or off), for stacks added after
 * `add()`, for Stages (CDK applies an Aspect up to a Stage boundary, and one added to a
 * Stage when that Stage is synthesized), and for one instance added to several scopes
 * (each reported once, in the order CDK visits them).
 *
 * Report a scope either by subclassing and overriding `onScope` (no listener needed), or
 * by passing an `IScopeListener`. Without either, `visit` does nothing (a native no-op).
 */
export class ScopeOnceAspect implements IAspect {
  private readonly listener?: IScopeListener;
  private readonly reported = new WeakSet<IConstruct>();
  private visited = 0;
  private reportedCount = 0;

  /**
   * @param listener told about each scope; default: none (`onScope` is then only what a
   * subclass overrides it with).
   */
  public constructor(listener?: IScopeListener) {
    this.listener = listener;
  }

  /**
   * How many times CDK called `visit` (all of them answered in JavaScript).
   */
  public get visitCount(): number {
    return this.visited;
  }

  /**
   * How many scopes were reported (one `onScope` call each).
   */
  public get scopeCount(): number {
    return this.reportedCount;
  }

  /**
   * Report `node` if neither it nor an ancestor was reported; otherwise return at once.
   */
  public visit(node: IConstruct): void {
    this.visited += 1;
    for (let at: IConstruct | undefined = node; at !== undefined; at = at.node.scope) {
      if (this.reported.has(at)) {
        return;
      }
    }
    this.onScope(node);
    // Recorded only once the callback returned: a scope whose callback threw is not taken
    // as reported (the error aborts synthesis; a retry reports it again).
    this.reported.add(node);
    this.reportedCount += 1;
  }

  /**
   * Called once per scope, before anything below it is visited; the default tells the
   * listener, if any.
   *
   * @param scope the construct the aspect was added to.
   */
  protected onScope(scope: IConstruct): void {
    if (this.listener !== undefined) {
      this.listener.onScope(scope);
    }
  }
}
