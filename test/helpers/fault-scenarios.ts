import { DAY, HOUR } from '#test/helpers/manual-clock.ts';
import {
  activatedLicense,
  deviceId,
  freshEmail,
  type HttpResult,
  seedLicense,
  type TestStack,
} from '#test/helpers/test-stack.ts';
import { deliver, eventFor } from '#test/helpers/webhook-events.ts';

/**
 * The scenarios of the DynamoDB fault matrix (issue 21). Each brings `count` fresh licenses to
 * the state its request meets and returns, per license, that request, to be sent as often as a
 * client would send it (the same body and headers each time). A scenario prepares all its
 * instances at once so that one move of the shared clock makes every one of them due (a status
 * check, a period end) instead of one move per instance.
 */

export type Route = 'trial' | 'activate' | 'validate' | 'deactivate' | 'webhook';

export interface Prepared {
  /** Sends the scenario's request: the same body and headers every time. */
  send(): Promise<HttpResult>;
  /** The license the request is about; a trial's is learnt from its answer. */
  licenseKey?: string;
  /** The device the request activates or deactivates. */
  device?: string;
}

export interface Scenario {
  name: string;
  route: Route;
  prepare(stack: TestStack, count: number): Promise<Prepared[]>;
}

const inDays = (stack: TestStack, days: number) =>
  new Date(stack.clock.now().getTime() + days * DAY).toISOString();

/** `make` run `count` times, a few at a time (the stack has two cores to share). */
async function many<T>(count: number, make: () => Promise<T>): Promise<T[]> {
  const made: T[] = [];
  for (let start = 0; start < count; start += 4) {
    const batch = Math.min(4, count - start);
    made.push(...(await Promise.all(Array.from({ length: batch }, make))));
  }
  return made;
}

/** A SaaS license with an active subscription renewing in `days`, activated on one device. */
const activatedSaas = (stack: TestStack, days = 20) =>
  activatedLicense(stack, 'saas', inDays(stack, days));

const postOf =
  (stack: TestStack, path: string, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    stack.post(path, body, { 'content-type': 'application/json', ...headers });

const validateOf = (stack: TestStack, licenseKey: string): Prepared => ({
  send: postOf(stack, '/v1/validate', { licenseKey }),
  licenseKey,
});

const activationOf = (
  stack: TestStack,
  licenseKey: string,
  device: string,
  headers?: Record<string, string>,
): Prepared => ({
  send: postOf(stack, '/v1/activate', { instanceName: device, licenseKey }, headers),
  licenseKey,
  device,
});

function firstActivations(stack: TestStack, count: number, withKey: boolean): Prepared[] {
  return Array.from({ length: count }, () => {
    const license = seedLicense(stack, 'saas', {
      subscription: { status: 'active', renewsAt: inDays(stack, 20) },
    });
    const headers = withKey ? { 'idempotency-key': `k-${deviceId()}` } : undefined;
    return activationOf(stack, license.key, deviceId(), headers);
  });
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'trial',
    route: 'trial',
    prepare: async (stack, count) =>
      Array.from({ length: count }, () => {
        const device = deviceId();
        const body = { instanceName: device, email: freshEmail() };
        return { send: postOf(stack, '/v1/trial', body), device };
      }),
  },
  {
    name: 'activate first',
    route: 'activate',
    prepare: async (stack, count) => firstActivations(stack, count, false),
  },
  {
    name: 'activate first, Idempotency-Key',
    route: 'activate',
    prepare: async (stack, count) => firstActivations(stack, count, true),
  },
  {
    name: 'activate repeat',
    route: 'activate',
    prepare: async (stack, count) =>
      (await many(count, () => activatedSaas(stack))).map(({ license, device }) =>
        activationOf(stack, license.key, device),
      ),
  },
  {
    name: 'activate second device',
    route: 'activate',
    prepare: async (stack, count) =>
      (await many(count, () => activatedSaas(stack))).map(({ license }) =>
        activationOf(stack, license.key, deviceId()),
      ),
  },
  {
    name: 'validate steady',
    route: 'validate',
    prepare: async (stack, count) =>
      (await many(count, () => activatedSaas(stack))).map(({ license }) =>
        validateOf(stack, license.key),
      ),
  },
  {
    name: 'validate refresh',
    route: 'validate',
    prepare: async (stack, count) => {
      const activated = await many(count, () => activatedSaas(stack));
      stack.clock.advance(25 * HOUR); // past the status TTL: LemonSqueezy is asked again
      return activated.map(({ license }) => validateOf(stack, license.key));
    },
  },
  {
    name: 'validate revoke',
    route: 'validate',
    prepare: async (stack, count) => {
      const activated = await many(count, () => activatedSaas(stack));
      for (const { license } of activated) {
        stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
      }
      stack.clock.advance(25 * HOUR);
      return activated.map(({ license }) => validateOf(stack, license.key));
    },
  },
  {
    name: 'validate re-enable',
    route: 'validate',
    prepare: async (stack, count) => {
      const activated = await many(count, () => activatedSaas(stack));
      for (const { license } of activated) {
        stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
      }
      stack.clock.advance(25 * HOUR);
      for (const { license } of activated) {
        const revoked = await validateOf(stack, license.key).send();
        if (revoked.body?.status !== 'suspended') throw new Error(`not revoked: ${revoked.text}`);
        stack.lemonSqueezy.updateLicense(license.key, { status: 'active' });
      }
      stack.clock.advance(25 * HOUR);
      return activated.map(({ license }) => validateOf(stack, license.key));
    },
  },
  {
    name: 'validate rotation',
    route: 'validate',
    prepare: async (stack, count) => {
      // Periods end tomorrow; the subscriptions renew for a month; the clock passes the end.
      const activated = await many(count, () => activatedSaas(stack, 1));
      for (const { license } of activated) {
        stack.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, {
          renewsAt: inDays(stack, 31),
        });
      }
      stack.clock.advance(DAY + HOUR);
      return activated.map(({ license }) => validateOf(stack, license.key));
    },
  },
  {
    name: 'deactivate',
    route: 'deactivate',
    prepare: async (stack, count) =>
      (await many(count, () => activatedSaas(stack))).map(({ license, device, activation }) => ({
        send: postOf(stack, '/v1/deactivate', {
          licenseKey: license.key,
          instanceId: activation.instanceId,
        }),
        licenseKey: license.key,
        device,
      })),
  },
  {
    name: 'webhook license disabled',
    route: 'webhook',
    prepare: async (stack, count) =>
      (await many(count, () => activatedSaas(stack))).map(({ license }) => {
        stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
        // The fixture says disabled; every delivery sends the same bytes (a redelivery).
        const event = eventFor(stack, 'license_key_updated', license);
        return {
          send: () => deliver(stack, event) as Promise<HttpResult>,
          licenseKey: license.key,
        };
      }),
  },
  {
    name: 'webhook subscription paused',
    route: 'webhook',
    prepare: async (stack, count) =>
      (await many(count, () => activatedSaas(stack))).map(({ license }) => {
        stack.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, { status: 'paused' });
        const event = eventFor(stack, 'subscription_paused', license);
        return {
          send: () => deliver(stack, event) as Promise<HttpResult>,
          licenseKey: license.key,
        };
      }),
  },
];
