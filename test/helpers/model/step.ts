import type fc from 'fast-check';
import { shareWindow } from '#test/helpers/model/license-share.ts';
import { checkInvariants, type Model, type World } from '#test/helpers/model/world.ts';

/**
 * Every step: the action, then the invariants. A fault or crash armed by the step before is used
 * up by this one (cleared after it: upstream faults, DynamoDB faults, the crash's switch),
 * unless this step is one that arms them.
 */
export abstract class Step implements fc.AsyncCommand<Model, World> {
  protected readonly armsFault: boolean = false;

  check(): boolean {
    return true;
  }

  async run(model: Model, world: World): Promise<void> {
    const armedBefore = model.faultArmed || model.crashArmed;
    const startedAt = world.stack.clock.now().getTime();
    await this.act(model, world);
    // A write whose answer was lost is retried by the SDK: a rate-limit counter written then may
    // count one request twice, in the windows this step ran in.
    if (model.dbFault === 'lost') {
      const last = shareWindow(world, world.stack.clock.now().getTime());
      for (let window = shareWindow(world, startedAt); window <= last; window += 1) {
        model.overcounted.add(window);
      }
    }
    if (armedBefore && !this.armsFault) {
      // A DynamoDB that refused every write also refused giving a claim back: the claim lingers
      // until its lease is over, and the client's retry comes after that (a 503 says retry later).
      if (model.dbFault !== undefined) {
        world.stack.clock.advance(world.stack.deps.policy.activationLeaseMs + 1000);
      }
      world.crash.reset();
      world.stack.faults?.clear();
      world.stack.lemonSqueezy.faults.clear();
      world.stack.openRouter.faults.clear();
      model.faultArmed = false;
      model.faultRoute = undefined;
      model.dbFault = undefined;
      model.crashArmed = false;
    }
    await checkInvariants(world, model);
  }

  protected abstract act(model: Model, world: World): Promise<void>;
  abstract toString(): string;
}
