import { randomUUID } from 'node:crypto';
import { isDomainError } from '#domain/errors.ts';
import { aiKeyName } from '#domain/key-name.ts';
import { licenseHashOf } from '#domain/license.ts';
import { codeToStatus } from '#http/error-response.ts';
import { DEFAULT_REAP_OPTIONS, reapOrphanKeys } from '#services/reap-orphan-keys.ts';
import {
  activateAtLemonSqueezy,
  createKeyByHand,
  deactivateAtLemonSqueezy,
  untilCalled,
} from '#test/helpers/integrity-checks.ts';
import { DAY, HOUR, SECOND } from '#test/helpers/manual-clock.ts';
import {
  activatedLicense,
  deviceId,
  type HttpResult,
  seedLicense,
  type TestStack,
} from '#test/helpers/test-stack.ts';
import { deliver, eventFor } from '#test/helpers/webhook-events.ts';

/** What a request (or a reaper run) came to: HTTP status, error code, and `status`/`outcome`. */
export interface Outcome {
  status: number;
  code?: string;
  access?: string;
}

/** What a call point's requests came to: the one that met the fault, its retry, and a check. */
export interface Scenario {
  licenseKey?: string;
  first: Outcome;
  retry: Outcome;
  after?: Outcome;
}

/**
 * An upstream call made only to compensate or reconcile (never on the happy path of a single
 * request), with the requests that reach it and what each of them should come to.
 */
export interface CompensationCallPoint {
  name: string;
  upstream: 'lemonSqueezy' | 'openRouter';
  route: string;
  /** How many calls the fault is played on (a compensation that tries twice gets both). */
  times?: number;
  /**
   * The stack's upstream timeout (default 1000 ms): longer where a slow answer must leave time
   * for a second request to overtake it on two busy cores.
   */
  timeoutMs?: number;
  /** The log line of a best-effort compensation that gave up (it is logged, not answered). */
  logged?: string;
  /** A seat LemonSqueezy keeps that no device of ours holds: the logged, given-up compensation. */
  leavesSeat?: true;
  expected: { first: Outcome; retry: Outcome; after?: Outcome };
  /** Drives requests until one reaches the faulted call; `inject` arms the fault. */
  run(stack: TestStack, inject: () => void): Promise<Scenario>;
}

const UNAVAILABLE: Outcome = { status: 503, code: 'UPSTREAM_UNAVAILABLE' };
const ACTIVE: Outcome = { status: 200, access: 'active' };

const outcomeOf = (result: HttpResult): Outcome => ({
  status: result.status,
  ...(result.body?.code ? { code: result.body.code } : {}),
  access: result.body?.status ?? result.body?.outcome,
});
const inDays = (stack: TestStack, days: number) =>
  new Date(stack.clock.now().getTime() + days * DAY).toISOString();
const saasLicense = (stack: TestStack) =>
  seedLicense(stack, 'saas', { subscription: { status: 'active', renewsAt: inDays(stack, 20) } });
const activate = async (stack: TestStack, licenseKey: string, instanceName: string) =>
  outcomeOf(await stack.post('/v1/activate', { licenseKey, instanceName }));
const validate = async (stack: TestStack, licenseKey: string) =>
  outcomeOf(await stack.post('/v1/validate', { licenseKey }));

/** A reaper run as the scheduled Lambda reports it: done, or the status its error maps to. */
async function reap(stack: TestStack): Promise<Outcome> {
  try {
    await reapOrphanKeys(stack.deps);
    return { status: 200, access: 'swept' };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return { status: codeToStatus(error.code), code: error.code };
  }
}

/** A request whose upstream answer is slow, while `overtake` runs to completion meanwhile. */
async function overtaken<T>(
  double: { callCount(route: never): number },
  route: string,
  slowRequest: () => Promise<T>,
  overtake: () => Promise<unknown>,
): Promise<T> {
  const calls = (double.callCount as (route: string) => number).call(double, route);
  const slow = slowRequest();
  await untilCalled(double, route, calls + 1);
  await overtake();
  return slow;
}

export const COMPENSATION_CALL_POINTS: CompensationCallPoint[] = [
  {
    name: 'LemonSqueezy deactivate (undoActivation: a claim taken over while LemonSqueezy was slow)',
    upstream: 'lemonSqueezy',
    route: 'deactivate',
    logged: 'seat left in use at LemonSqueezy: deactivate it by hand',
    leavesSeat: true,
    timeoutMs: 3000,
    expected: { first: UNAVAILABLE, retry: ACTIVE },
    run: async (stack, inject) => {
      const { key } = saasLicense(stack);
      const device = deviceId();
      stack.lemonSqueezy.faults.inject('activate', { kind: 'slow', delayMs: 1500 });
      inject();
      const first = await overtaken(
        stack.lemonSqueezy,
        'activate',
        () => activate(stack, key, device),
        () => {
          stack.clock.advance(31 * SECOND); // the slow request's claim is stale now
          return activate(stack, key, device);
        },
      );
      return { licenseKey: key, first, retry: await activate(stack, key, device) };
    },
  },
  {
    name: 'OpenRouter delete (discardKey: a key creation that lost the race)',
    upstream: 'openRouter',
    route: 'delete',
    times: 2,
    timeoutMs: 2500,
    logged: 'orphan ai key left at OpenRouter: delete it by hand',
    expected: { first: ACTIVE, retry: ACTIVE },
    run: async (stack, inject) => {
      const { key } = saasLicense(stack);
      stack.openRouter.faults.inject('create', { kind: 'slow', delayMs: 1200 });
      inject();
      const first = await overtaken(
        stack.openRouter,
        'create',
        () => activate(stack, key, deviceId()),
        () => validate(stack, key), // installs its own key first
      );
      return { licenseKey: key, first, retry: await validate(stack, key) };
    },
  },
  {
    name: 'OpenRouter list (the orphan-key reaper)',
    upstream: 'openRouter',
    route: 'list',
    expected: { first: UNAVAILABLE, retry: { status: 200, access: 'swept' } },
    run: async (stack, inject) => {
      const periodEnd = new Date(inDays(stack, 20));
      const name = aiKeyName(
        stack.deps.policy.deploymentId,
        licenseHashOf(randomUUID()),
        periodEnd,
      );
      await createKeyByHand(stack.openRouter.url, name);
      stack.clock.advance(DEFAULT_REAP_OPTIONS.minAgeMs + SECOND);
      inject();
      return { first: await reap(stack), retry: await reap(stack) };
    },
  },
  {
    name: 'OpenRouter PATCH enable (a revoked key enabled again in its period)',
    upstream: 'openRouter',
    route: 'update',
    expected: { first: UNAVAILABLE, retry: ACTIVE },
    run: async (stack, inject) => {
      const { license } = await activatedLicense(stack);
      const status = (value: string) => ({ 'data.attributes.status': value });
      // LemonSqueezy's state is what each event says (a same-second event is checked with it).
      stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
      await deliver(stack, eventFor(stack, 'license_key_updated', license, status('disabled')));
      stack.clock.advance(SECOND);
      stack.lemonSqueezy.updateLicense(license.key, { status: 'active' });
      await deliver(stack, eventFor(stack, 'license_key_updated', license, status('active')));
      inject();
      const first = await validate(stack, license.key);
      return { licenseKey: license.key, first, retry: await validate(stack, license.key) };
    },
  },
  {
    name: 'OpenRouter PATCH disable (a disabled webhook revokes the key)',
    upstream: 'openRouter',
    route: 'update',
    expected: {
      first: UNAVAILABLE,
      retry: { status: 200, access: 'applied' },
      after: { status: 200, code: 'LICENSE_DISABLED', access: 'suspended' },
    },
    run: async (stack, inject) => {
      const { license } = await activatedLicense(stack);
      stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
      const event = eventFor(stack, 'license_key_updated', license, {
        'data.attributes.status': 'disabled',
      });
      inject();
      const first = outcomeOf(await deliver(stack, event));
      // LemonSqueezy redelivers the same bytes after a 503.
      const retry = outcomeOf(await deliver(stack, event));
      return { licenseKey: license.key, first, retry, after: await validate(stack, license.key) };
    },
  },
  {
    name: 'LemonSqueezy license-key-instances (reconcileSeats at a status refresh)',
    upstream: 'lemonSqueezy',
    route: 'license-key-instances',
    expected: {
      first: UNAVAILABLE,
      retry: { status: 200, code: 'DEVICE_DEACTIVATED', access: 'suspended' },
    },
    run: async (stack, inject) => {
      const { license, activation } = await activatedLicense(stack);
      await deactivateAtLemonSqueezy(stack, license.key, activation.instanceId);
      stack.clock.advance(25 * HOUR);
      inject();
      const first = await validate(stack, license.key);
      return { licenseKey: license.key, first, retry: await validate(stack, license.key) };
    },
  },
  {
    name: 'LemonSqueezy license-key-instances (reconcileSeats before a new device takes a seat)',
    upstream: 'lemonSqueezy',
    route: 'license-key-instances',
    expected: { first: UNAVAILABLE, retry: ACTIVE },
    run: async (stack, inject) => {
      const { license, activation } = await activatedLicense(stack);
      await deactivateAtLemonSqueezy(stack, license.key, activation.instanceId);
      const device = deviceId();
      inject();
      const first = await activate(stack, license.key, device);
      return { licenseKey: license.key, first, retry: await activate(stack, license.key, device) };
    },
  },
  {
    name: 'LemonSqueezy license-key-instances (adoptLostSeat: a seat LemonSqueezy holds for the device)',
    upstream: 'lemonSqueezy',
    route: 'license-key-instances',
    expected: { first: UNAVAILABLE, retry: ACTIVE },
    run: async (stack, inject) => {
      const { key } = saasLicense(stack);
      const device = deviceId();
      await activateAtLemonSqueezy(stack, key, device);
      inject();
      const first = await activate(stack, key, device);
      return { licenseKey: key, first, retry: await activate(stack, key, device) };
    },
  },
];
