import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { licenseHashOf } from '#domain/license.ts';
import { SANDBOX_SECRETS } from '#local/local-stack.ts';
import { DAY } from '#local/manual-clock.ts';
import { postFrom } from '#test/helpers/client-address.ts';
import { CrashSwitch } from '#test/helpers/model/crash.ts';
import { type Model, SEATS, type World } from '#test/helpers/model/world.ts';
import { deviceId, seedLicense, type TestStack } from '#test/helpers/test-stack.ts';

/**
 * One sequence of the model-based test: a fresh SaaS license (its subscription in LemonSqueezy's
 * free trial or paid), a client address of its own, the world the steps act on, then the steps,
 * each followed by the invariant checks (`Step.run`). Shared by the random run
 * (model.test.ts) and the replays of counterexamples it once found (model-regressions.test.ts).
 */
export async function runSequence(
  stack: TestStack,
  documents: DynamoDBDocumentClient,
  sequence: number,
  onTrial: boolean,
  commands: Iterable<fc.AsyncCommand<Model, World>>,
): Promise<void> {
  stack.faults?.clear();
  stack.lemonSqueezy.faults.clear();
  stack.openRouter.faults.clear();
  const seededAt = stack.clock.now().toISOString();
  const renewsAt = new Date(stack.clock.now().getTime() + 20 * DAY).toISOString();
  const license = seedLicense(stack, 'saas', {
    activationLimit: SEATS,
    subscription: { status: onTrial ? 'on_trial' : 'active', renewsAt },
  });
  const address = `127.1.${(sequence >> 8) & 255}.${sequence & 255}`;
  const crash = new CrashSwitch(stack);
  const healthyRefreshCalls: number[] = [];
  const world: World = {
    stack,
    crash,
    post: async (path, body) => {
      // A validate begun in health refreshes without counting against the license's
      // share (its timestamps bound it): its calls are set apart for the share's check.
      const healthy =
        path === '/v1/validate' && !stack.deps.upstreamTrouble.recent(stack.clock.now());
      const before = stack.lemonSqueezy.licenseApiCalls(license.key).length;
      const answer = crash.settle(await postFrom(stack, address, path, body));
      if (healthy) {
        const made = stack.lemonSqueezy.licenseApiCalls(license.key).slice(before);
        healthyRefreshCalls.push(...made.map((at) => at.getTime()));
      }
      return answer;
    },
    healthyRefreshCalls,
    readItem: async () =>
      (
        await documents.send(
          new GetCommand({
            TableName: stack.tableName,
            Key: { pk: `LICENSE#${licenseHashOf(license.key)}`, sk: 'LICENSE' },
            ConsistentRead: true,
          }),
        )
      ).Item,
    license,
    licenseHash: licenseHashOf(license.key),
    trialEmail: `model-${sequence}-${deviceId().slice(0, 12)}@example.com`,
  };
  const model = newModel(['__proto__', 'constructor', deviceId()]);
  // A paid subscription's first invoice was billed when it was sold (a trial's: none yet).
  if (!onTrial) {
    const period = renewsAt.slice(0, 10);
    model.payments.push({ invoiceId: `inv-${sequence}`, billedAt: seededAt, period });
  }
  await fc.asyncModelRun(() => ({ model, real: world }), commands);
  await retireSequence(stack, license.key);
}

/**
 * Disables the keys a finished sequence left live at the OpenRouter double, so the reaper of
 * later sequences does not re-examine every key ever made (the run would slow down as it goes),
 * and expires its license at LemonSqueezy, for the same reason with the reconciler. Only the
 * doubles' state is touched; each sequence has its own license.
 */
async function retireSequence(stack: TestStack, licenseKey: string): Promise<void> {
  // A sequence may end with a fault still armed: it is the next step's, and there is none.
  stack.faults?.clear();
  stack.lemonSqueezy.faults.clear();
  stack.lemonSqueezy.refusals.clear();
  stack.openRouter.faults.clear();
  // The reconciler of later sequences' sweeps walks the whole table: expired at LemonSqueezy,
  // this license costs it one visit, then it is no longer among the usable ones it walks.
  stack.lemonSqueezy.updateLicense(licenseKey, { status: 'expired' });
  for (const key of stack.openRouter.liveKeys()) {
    await fetch(`${stack.openRouter.url}/keys/${key.hash}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${SANDBOX_SECRETS.OPENROUTER_API_KEY}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ disabled: true }),
    });
  }
}

/** A sequence's model before its first step: every stream informed, nothing promised. */
export function newModel(devices: string[]): Model {
  return {
    devices,
    instanceOf: new Map(),
    pending: [],
    version: { license: 0, subscription: 0 },
    informed: { license: true, subscription: true },
    refunded: false,
    payments: [],
    refundedPeriods: new Set(),
    faultArmed: false,
    crashArmed: false,
    promised: new Map(),
    seatFreedUnheard: false,
    newSeats: [],
    freshDevices: 0,
    directCalls: [],
    overcounted: new Set(),
  };
}
