import { SECOND } from '#local/manual-clock.ts';
import { LEMONSQUEEZY_ROUTES } from '#local/sandbox/lemonsqueezy-double.ts';
import { OPENROUTER_ROUTES } from '#local/sandbox/openrouter-double.ts';
import { isWrite } from '#test/helpers/dynamodb-faults.ts';
import type { HttpResult, TestStack } from '#test/helpers/test-stack.ts';

/** The answer a client gets from a request whose instance died: none (status 0). */
export const NO_ANSWER: HttpResult = {
  status: 0,
  body: {},
  text: 'no answer: the instance died',
  headers: {},
};

/**
 * A crash of the instance serving the next request, right after its `k`-th DynamoDB write
 * commits. The service runs in this test's process, so its death is simulated: at the commit
 * (the fault proxy's `afterCommit`) the world is switched off for the rest of that request —
 * every later DynamoDB call fails (500, for good) and both upstream doubles fail every call — so
 * nothing the dying request still does reaches DynamoDB, LemonSqueezy or OpenRouter. When the
 * request returns, everything is cleared, its answer is replaced by none (the client never got
 * one), and the clock moves past the activation lease: the client retries later, when the claims
 * the dead request left are stale.
 *
 * What this does not model: the instance's in-memory state (cached secrets, the negative cache,
 * metrics not yet flushed) survives, as the same process serves the next request; a call the
 * dying request already had in flight at the commit (say, an upstream call made in parallel with
 * the write) still completes; and the dead request's code still runs to its end, against a world
 * that refuses it everything, instead of stopping at the commit.
 */
export class CrashSwitch {
  /** Whether a crash struck in the current step (reset when the step ends). */
  struck = false;

  constructor(private readonly stack: TestStack) {}

  /**
   * Arms the crash for the `k`-th write (1-based) of whatever the service does next, rate-limit
   * counters not counted (a crash right after one is a crash before the work).
   */
  arm(k: number): void {
    this.faults().inject({
      kind: 'crash',
      match: (call) => isWrite(call) && !/^\w+ RATE\//.test(call.name),
      skip: k - 1,
      times: 1,
      afterCommit: () => this.kill(),
    });
  }

  /** After a request returns: if its instance died, no answer; the world is on again. */
  settle(result: HttpResult): HttpResult {
    if (!this.struck) return result;
    this.recover();
    return NO_ANSWER;
  }

  /**
   * Switches the world on again after a crash (idempotent within a step): faults cleared and
   * the clock moved past the activation lease.
   */
  recover(): void {
    if (!this.struck || this.recovered) return;
    this.recovered = true;
    this.clearAll();
    this.stack.clock.advance(this.stack.deps.policy.activationLeaseMs + SECOND);
  }

  /** The step is over: every fault cleared, ready for the next crash. */
  reset(): void {
    this.recover();
    this.clearAll();
    this.struck = false;
    this.recovered = false;
  }

  private recovered = false;

  private kill(): void {
    this.struck = true;
    this.faults().inject({ kind: 'server', match: () => true, times: Number.POSITIVE_INFINITY });
    const forever = { times: Number.POSITIVE_INFINITY };
    for (const route of LEMONSQUEEZY_ROUTES) {
      this.stack.lemonSqueezy.faults.inject(route, { kind: 'reset' }, forever);
    }
    for (const route of OPENROUTER_ROUTES) {
      this.stack.openRouter.faults.inject(route, { kind: 'reset' }, forever);
    }
  }

  private clearAll(): void {
    this.stack.faults?.clear();
    this.stack.lemonSqueezy.faults.clear();
    this.stack.openRouter.faults.clear();
  }

  private faults() {
    if (!this.stack.faults) throw new Error('the model needs the DynamoDB fault proxy');
    return this.stack.faults;
  }
}
