import { expect } from 'vitest';
import { SECOND } from '#local/manual-clock.ts';
import { reapOrphanKeys } from '#services/reap-orphan-keys.ts';
import {
  DEFAULT_RECONCILE_OPTIONS,
  RECONCILE_SWEEP,
  reconcileLicenses,
} from '#services/reconcile-licenses.ts';
import type { FaultKind } from '#test/helpers/dynamodb-faults.ts';
import { checkNoEnabledKey, checkSeatsRecorded } from '#test/helpers/model/key-checks.ts';
import { shareSpent } from '#test/helpers/model/license-share.ts';
import { Step } from '#test/helpers/model/step.ts';
import type { Model, World } from '#test/helpers/model/world.ts';

/** The model's DynamoDB faults, crashes, and the sweep that must repair what they leave. */

/** The DynamoDB faults a step may arm (a crash is its own step). */
export const DB_FAULT_KINDS = ['throttle', 'throttling', 'server', 'conflict', 'lost'] as const;

/**
 * The next step's DynamoDB writes meet a fault: `kind` on the write after `skip` others, for
 * `times` writes in a row (`Infinity`: every later one). A `lost` write may reach DynamoDB
 * without its `ClientRequestToken` (`forgetToken`), so the SDK's retry meets the first
 * attempt's work: the service must know its own writes without the token. With it armed, a 503 with a stable code
 * is an acceptable answer; a 500, or a refusal the unfaulted world would not give, is not
 * (fault-answers.ts); and every invariant still holds after the step.
 */
export class InjectDbFault extends Step {
  protected override readonly armsFault = true;

  constructor(
    readonly kind: Exclude<FaultKind, 'crash'>,
    readonly skip: number,
    readonly times: number,
    readonly forgetToken = false,
  ) {
    super();
  }
  protected async act(model: Model, world: World) {
    world.stack.faults?.inject({
      kind: this.kind,
      skip: this.skip,
      times: this.times,
      ...(this.kind === 'lost' && this.forgetToken ? { forgetToken: true } : {}),
    });
    model.faultArmed = true;
    model.dbFault = this.kind;
  }
  toString() {
    const token = this.kind === 'lost' && this.forgetToken ? ', no token' : '';
    return `dbFault(${this.kind}${token}, skip ${this.skip}, times ${this.times})`;
  }
}

/**
 * The instance serving `victim`'s request dies right after that request's `k`-th write commits
 * (simulated: see crash.ts). Its answer never reaches the client, so the model learns nothing
 * from it; the invariants hold after the step all the same, and the sweep repairs what the dead
 * request left half-done. The victim is part of the step (not whatever step comes next), so a
 * crash meets a request that writes.
 */
export class Crash extends Step {
  constructor(
    readonly k: number,
    readonly victim: Step,
  ) {
    super();
  }
  protected async act(model: Model, world: World) {
    world.crash.arm(this.k);
    model.crashArmed = true;
    // The victim's run uses the crash up (and clears it) and checks the invariants after it.
    await this.victim.run(model, world);
  }
  toString() {
    return `crash(after write ${this.k}) in ${this.victim}`;
  }
}

/**
 * The scheduled repairs, run once the activation lease has passed (every claim a crash left is
 * stale): the reaper (keys no license records) and the reconciler (each usable license confirmed
 * with LemonSqueezy, seats and key state put in step). The reconciler walks the whole table from
 * its start, earlier sequences' licenses too (they are expired at LemonSqueezy when their
 * sequence ends, so each costs one visit). After a run that no fault stopped:
 * - every seat LemonSqueezy holds for the license is recorded here, for a license stored usable
 *   (the reconciler walks only those);
 * - a license LemonSqueezy says is disabled or expired has no enabled key, told or not.
 * A run that passed the license over (its share of LemonSqueezy calls spent) checks neither.
 */
export class Sweep extends Step {
  protected async act(model: Model, world: World) {
    const { stack } = world;
    stack.clock.advance(stack.deps.policy.activationLeaseMs + SECOND);
    let clean = !model.faultArmed;
    let skipped = false;
    try {
      await reapOrphanKeys(stack.deps);
      await stack.deps.store.saveSweepCursor(
        RECONCILE_SWEEP,
        undefined,
        stack.clock.now().toISOString(),
      );
      const summary = await reconcileLicenses(stack.deps, {
        ...DEFAULT_RECONCILE_OPTIONS,
        staleAfterMs: 0,
        spacingMs: 0,
        orderSpacingMs: 0,
      });
      if (summary.stoppedBy === 'upstream') {
        expect(model.faultArmed || world.crash.struck, 'the reconciler stopped unfaulted').toBe(
          true,
        );
        clean = false;
      }
      // The license's share of LemonSqueezy calls spent: the run passed it over (any other
      // license skipped is an earlier sequence's). A lost claim it took over stays pending for
      // the next run, which comes once its lease is over.
      if (summary.skipped > 0 && shareSpent(world, model)) {
        clean = false;
        skipped = true;
      }
    } catch (error) {
      // A scheduled run may fail on a fault (the schedule runs it again), never unfaulted.
      expect(model.faultArmed || world.crash.struck, String(error)).toBe(true);
      clean = false;
    }
    if (world.crash.struck) clean = false;
    world.crash.recover();
    if (skipped) stack.clock.advance(stack.deps.policy.activationLeaseMs + SECOND);
    if (!clean) return;
    const item = await world.readItem();
    if (item === undefined || item.status === 'active') await checkSeatsRecorded(world);
    checkNoEnabledKey(world, model, true);
  }
  toString() {
    return 'sweep (reaper and reconciler)';
  }
}
