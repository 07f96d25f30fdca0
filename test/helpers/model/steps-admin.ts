import { expect } from 'vitest';
import { admin } from '#test/helpers/admin.ts';
import { failedAsArmed } from '#test/helpers/model/fault-answers.ts';
import { Step } from '#test/helpers/model/step.ts';
import type { Model, World } from '#test/helpers/model/world.ts';

/** The operator commands on the AI key the model runs (docs/operations.md, "The admin API"). */
export const ADMIN_KEY_ACTIONS = ['revoke', 'enable', 'rotate'] as const;
export type AdminKeyAction = (typeof ADMIN_KEY_ACTIONS)[number];

/**
 * An operator acts on the license's AI key through the admin API. The invariants after the step
 * (I1 above all: re-enabling or rotating never exposes more than the period's credit) are what
 * this checks; the answer itself may be a refusal the state explains (no key yet, a license that
 * may not be used), never a 500, and a 503 only right after an injected fault (fault-answers.ts).
 */
export class AdminKey extends Step {
  constructor(readonly action: AdminKeyAction) {
    super();
  }
  protected async act(model: Model, world: World) {
    // An operator's hold or rotation: the tokens served so far are no longer promised to work.
    model.promised.clear();
    const response = world.crash.settle(
      await admin(world.stack, `key ${this.action}`, {
        licenseKey: world.license.key,
        reason: 'model',
      }),
    );
    const context = `admin key ${this.action} → ${response.status} ${response.text.slice(0, 300)}`;
    if (failedAsArmed(model, response, context)) return;
    if (response.status !== 200) {
      expect([400, 403, 404, 409], context).toContain(response.status);
      expect(typeof response.body?.code, context).toBe('string');
    }
    expect(response.text, context).not.toContain('sk-or-v1');
    expect(response.text, context).not.toContain(world.license.key);
  }
  toString() {
    return `admin key ${this.action}`;
  }
}
