import { expect } from 'vitest';
import { MINUTE } from '#local/manual-clock.ts';
import { admin } from '#test/helpers/admin.ts';
import { failedAsArmed } from '#test/helpers/model/fault-answers.ts';
import { checkShareRefusal } from '#test/helpers/model/license-share.ts';
import { Step } from '#test/helpers/model/step.ts';
import { checkAnswer, type Model, truthOf, type World } from '#test/helpers/model/world.ts';

/**
 * A LemonSqueezy incident (docs/upstreams.md, "Not found during incidents"; I11 in docs/design.md,
 * "Invariants"): the License API answers `404 license_key not found.` for the license for the
 * next `calls` calls, for at most `minutes` minutes (under the 5 minutes a refusal needs to be
 * confirmed), its REST API down too or not.
 * A validate a day on starts the incident from a clean record (its refresh settles an earlier
 * mark), and a day more makes the facts old enough that the validates that follow ask
 * LemonSqueezy. Then `reads` validates a minute
 * apart (and an operator's sync, with `sync`), each checked like any answer, and: a license
 * LemonSqueezy holds usable, which the service held usable when the incident began, is never
 * answered LICENSE_DISABLED (what a 404 would store) nor stored `disabled`. Whatever the 404s
 * left armed is cleared at the end: an incident longer than the step is a real refusal.
 */
export class TransientNotFound extends Step {
  constructor(
    readonly calls: number,
    readonly minutes: number,
    readonly reads: number,
    readonly restDown: boolean,
    readonly sync: boolean,
  ) {
    super();
  }

  protected async act(model: Model, world: World) {
    const { stack, license } = world;
    const stale = stack.deps.policy.statusTtlMs + MINUTE;
    stack.clock.advance(stale);
    await this.validate(model, world, false);
    stack.clock.advance(stale);
    const item = await world.readItem();
    // A mark left by an earlier incident that no read settled since (its validate met a fault) is a
    // first sighting already: with the REST API down, a 404 now confirms it (I11 in docs/design.md,
    // "Invariants").
    const heldUsable =
      (item?.status === 'active' || item?.status === 'inactive') &&
      item.refundedAt === undefined &&
      item.unconfirmedRefusal === undefined;
    const until = new Date(stack.clock.now().getTime() + this.minutes * MINUTE).toISOString();
    stack.lemonSqueezy.refusals.answerNotFound({ key: license.key, calls: this.calls, until });
    if (this.restDown) {
      const fault = { kind: 'status', status: 500 } as const;
      stack.lemonSqueezy.faults.inject('license-keys', fault, { times: Number.POSITIVE_INFINITY });
    }
    // A validate with a key due meets an unconfirmed 404 with a 503 (no credit is issued on an
    // unconfirmed status): a failure the incident explains, like an injected fault.
    const armedBefore = model.faultArmed;
    model.faultArmed = true;
    try {
      for (let read = 0; read < this.reads; read += 1) {
        if (read > 0) stack.clock.advance(MINUTE);
        await this.validate(model, world, heldUsable);
        if (this.sync && read === 0) await this.syncLicense(model, world, heldUsable);
      }
    } finally {
      model.faultArmed = armedBefore;
      stack.lemonSqueezy.refusals.clear();
      if (this.restDown) stack.lemonSqueezy.faults.clear('license-keys');
    }
    if (heldUsable && !truthOf(world).licenseUnusable) {
      const after = await world.readItem();
      expect(after?.status, `I11: stored disabled on transient 404s: ${this}`).not.toBe('disabled');
    }
  }

  /** A validate of the license, checked; with `guarded`, never refused for the 404s. */
  private async validate(model: Model, world: World, guarded: boolean) {
    const response = await world.post('/v1/validate', { licenseKey: world.license.key });
    await checkAnswer(world, model, '/v1/validate', response);
    if (!guarded || truthOf(world).licenseUnusable) return;
    const context = `I11: revoked on transient 404s: validate → ${response.status} ${response.text.slice(0, 300)}`;
    expect(response.body?.code, context).not.toBe('LICENSE_DISABLED');
  }

  /** An operator's sync during the incident: it may mark, never store `disabled` on one 404. */
  private async syncLicense(model: Model, world: World, guarded: boolean) {
    const response = world.crash.settle(
      await admin(world.stack, 'license sync', { licenseKey: world.license.key }),
    );
    const context = `admin license sync → ${response.status} ${response.text.slice(0, 300)}`;
    if (failedAsArmed(model, response, context)) return;
    if (checkShareRefusal(world, model, response, context)) return;
    expect([200, 404], context).toContain(response.status);
    if (guarded && response.status === 200 && !truthOf(world).licenseUnusable) {
      expect(response.body.after?.status, `I11: ${context}`).not.toBe('disabled');
    }
  }

  toString() {
    const rest = this.restDown ? ', REST down' : '';
    return `transient404(${this.calls} calls, ${this.minutes} min, ${this.reads} reads${rest}${this.sync ? ', sync' : ''})`;
  }
}
