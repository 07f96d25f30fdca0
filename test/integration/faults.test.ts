import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Fault } from '#local/sandbox/faults.ts';
import { DEFAULT_REAP_OPTIONS, reapOrphanKeys } from '#services/reap-orphan-keys.ts';
import { errorBodyOf } from '#test/helpers/error-body.ts';
import { DAY, HOUR, SECOND } from '#test/helpers/manual-clock.ts';
import {
  activatedLicense,
  deviceId,
  orphanKeys,
  seedLicense,
  type TestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';

interface Request {
  path: string;
  body: Record<string, string>;
}

interface CallPoint {
  name: string;
  upstream: 'lemonSqueezy' | 'openRouter';
  route: string;
  /** Brings a license to the state where `request` reaches the faulted call. */
  prepare(stack: TestStack): Promise<Request>;
}

/** An activated SaaS license whose subscription renews `renewsInMs` from now. */
function activatedSaas(stack: TestStack, renewsInMs = 20 * DAY) {
  return activatedLicense(
    stack,
    'saas',
    new Date(stack.clock.now().getTime() + renewsInMs).toISOString(),
  );
}

const freshActivation = async (stack: TestStack): Promise<Request> => ({
  path: '/v1/activate',
  body: {
    instanceName: deviceId(),
    licenseKey: seedLicense(stack, 'saas', {
      subscription: {
        status: 'active',
        renewsAt: new Date(stack.clock.now().getTime() + 20 * DAY).toISOString(),
      },
    }).key,
  },
});

/** A license whose period ended yesterday and whose subscription has renewed for a month. */
async function rotationDue(stack: TestStack): Promise<Request> {
  const { license } = await activatedSaas(stack, DAY);
  const next = new Date(stack.clock.now().getTime() + 31 * DAY).toISOString();
  stack.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, { renewsAt: next });
  stack.clock.advance(DAY + HOUR);
  return { path: '/v1/validate', body: { licenseKey: license.key } };
}

/**
 * What the retry answers as `status`: a trial is `trial`, a license revoked upstream (the
 * disable point) is `suspended` once its key is disabled for sure, anything else `active`.
 */
function expectedStatus(point: CallPoint, request: Request): string {
  if (request.path === '/v1/trial') return 'trial';
  return point.route === 'update' ? 'suspended' : 'active';
}

const CALL_POINTS: CallPoint[] = [
  {
    name: 'activate: LemonSqueezy validate',
    upstream: 'lemonSqueezy',
    route: 'validate',
    prepare: freshActivation,
  },
  {
    name: 'activate: LemonSqueezy subscription look-up',
    upstream: 'lemonSqueezy',
    route: 'subscriptions',
    prepare: freshActivation,
  },
  {
    name: 'activate: LemonSqueezy activate',
    upstream: 'lemonSqueezy',
    route: 'activate',
    prepare: freshActivation,
  },
  {
    name: 'activate: OpenRouter key creation',
    upstream: 'openRouter',
    route: 'create',
    prepare: freshActivation,
  },
  {
    name: 'trial: OpenRouter key creation',
    upstream: 'openRouter',
    route: 'create',
    prepare: async () => ({
      path: '/v1/trial',
      body: { instanceName: deviceId(), email: `${deviceId()}@example.com` },
    }),
  },
  {
    name: 'validate: OpenRouter disable of a revoked license',
    upstream: 'openRouter',
    route: 'update',
    prepare: async (stack) => {
      const { license } = await activatedSaas(stack);
      stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
      stack.clock.advance(25 * HOUR);
      return { path: '/v1/validate', body: { licenseKey: license.key } };
    },
  },
  {
    name: 'validate: LemonSqueezy refresh past the grace period',
    upstream: 'lemonSqueezy',
    route: 'validate',
    prepare: async (stack) => {
      const { license } = await activatedSaas(stack, 30 * DAY);
      stack.clock.advance(73 * HOUR);
      return { path: '/v1/validate', body: { licenseKey: license.key } };
    },
  },
  {
    name: 'validate: LemonSqueezy subscription at rotation',
    upstream: 'lemonSqueezy',
    route: 'subscriptions',
    prepare: rotationDue,
  },
  {
    name: 'validate: OpenRouter key creation at rotation',
    upstream: 'openRouter',
    route: 'create',
    prepare: rotationDue,
  },
];

const FAULTS: Array<[string, Fault]> = [
  ['HTTP 500', { kind: 'status', status: 500 }],
  ['HTTP 429', { kind: 'status', status: 429 }],
  ['a timeout', { kind: 'timeout' }],
  ['a non-JSON body', { kind: 'non-json' }],
  ['a connection reset', { kind: 'reset' }],
  ['an unusable answer (HTTP 401)', { kind: 'status', status: 401 }],
];

describe.each(CALL_POINTS)('upstream failure at $name', (point) => {
  const stack = useTestStack({ UPSTREAM_TIMEOUT_MS: '500' });

  it.each(FAULTS)(
    'answers 503 on %s, leaves no half-state, and a retry succeeds',
    async (_label, fault) => {
      // Prepare
      const request = await point.prepare(stack);
      const faults = stack[point.upstream].faults as { inject(route: string, fault: Fault): void };
      faults.inject(point.route, fault);

      // Act
      const failed = await stack.post(request.path, request.body);
      const retried = await stack.post(request.path, request.body);

      // Assess
      expect(failed.status).toBe(503);
      expect(failed.body).toEqual(errorBodyOf(failed.body.code, expect.any(String)));
      expect(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_ERROR']).toContain(failed.body.code);
      expect(failed.body.message).toBe(failed.body.error);
      expect(failed.text).not.toMatch(/at .*\.ts|<html|sk-or-v1/i);
      expect(await orphanKeys(stack)).toEqual([]);
      const items = await stack.items();
      const pending = items.flatMap((item) =>
        Object.values((item.devices ?? {}) as Record<string, { state: string }>).filter(
          (slot) => slot.state === 'pending',
        ),
      );
      expect(pending).toEqual([]);
      for (const item of items.filter((entry) => entry.kind === 'lemonsqueezy')) {
        const seats = Object.values(item.devices as Record<string, unknown>).length;
        expect(seats).toBe((item.provider as { activationUsage: number }).activationUsage);
      }
      // A revoked license is answered as suspended (200), once its key is disabled for sure.
      expect(retried.status).toBe(200);
      expect(retried.body.status).toBe(expectedStatus(point, request));
    },
  );

  it('answers 503 to a response slower than the timeout; a retry succeeds and nothing is left over once the reaper runs', async () => {
    // Prepare
    const request = await point.prepare(stack);
    const faults = stack[point.upstream].faults as { inject(route: string, fault: Fault): void };
    faults.inject(point.route, { kind: 'slow', delayMs: 800 });

    // Act
    const failed = await stack.post(request.path, request.body);
    await sleep(600); // the upstream acts on the request after we stopped waiting
    const retried = await stack.post(request.path, request.body);
    stack.clock.advance(DEFAULT_REAP_OPTIONS.minAgeMs + SECOND);
    await reapOrphanKeys(stack.deps);

    // Assess
    expect([failed.status, failed.body.code]).toEqual([503, 'UPSTREAM_UNAVAILABLE']);
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe(expectedStatus(point, request));
    expect(await orphanKeys(stack)).toEqual([]);
    // The reaper spares the key the license holds.
    const token = retried.body.ai_details?.token;
    if (token) expect(stack.openRouter.liveKeys().map((key) => key.key)).toContain(token);
    for (const item of (await stack.items()).filter((entry) => entry.kind === 'lemonsqueezy')) {
      const seats = Object.values(item.devices as Record<string, unknown>).length;
      expect(seats).toBe((item.provider as { activationUsage: number }).activationUsage);
    }
  });
});
