import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { captureOutput } from '#test/helpers/captured-output.ts';
import { DAY, HOUR } from '../helpers/manual-clock.ts';
import {
  activatedLicense,
  deviceId,
  type HttpResult,
  seedLicense,
  startTestStack,
  type TestStack,
} from '../helpers/test-stack.ts';

/**
 * The shipped RAVN Mail client (`ravnmail/ravn` v26.3.8, `src-tauri/src/licensing/types.rs`) as
 * serde parses a success body: these fields, these types, unknown fields ignored. A `String` is
 * never null; `Option<String>` may be null or absent; `status` is a closed enum. Dates must also
 * parse with chrono's `parse_from_rfc3339`, or the client silently ignores the expiry.
 */
const rfc3339 = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
const clientActivationResponse = z.object({
  instanceId: z.string(),
  licenseKey: z.string(),
  user_name: z.string(),
  user_email: z.string(),
  ai_mode: z.enum(['saas', 'byok']),
  status: z.enum(['active', 'trial', 'expired', 'suspended']),
  expires_at: rfc3339.nullish(),
  trial_ends_at: rfc3339.nullish(),
  ai_details: z
    .object({
      token: z.string(),
      limit: z.number(),
      limit_remaining: z.number(),
      expires_at: rfc3339,
    })
    .nullish(),
});
type ClientActivationResponse = z.infer<typeof clientActivationResponse>;

/** `ActivationError::from_response`: the client maps an error by its status alone. */
function clientError(status: number): string {
  switch (status) {
    case 400:
      return 'ActivationFailed';
    case 403:
      return 'TrialAlreadyUsed';
    case 404:
      return 'LicenseNotFound';
    case 409:
      return 'LicenseAlreadyActivated';
    case 503:
      return 'ServiceUnavailable';
    default:
      return 'Unknown';
  }
}

/** A 200 parsed as the client parses it; a body it would reject fails the test here. */
function parsedByClient(response: HttpResult): ClientActivationResponse {
  expect(response.status, response.text).toBe(200);
  const parsed = clientActivationResponse.safeParse(JSON.parse(response.text));
  expect(parsed.error?.issues, response.text).toBeUndefined();
  return parsed.data as ClientActivationResponse;
}

describe('client contract: every success body parses as the shipped client parses it', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('a trial without a name: status trial, trial_ends_at, the email as the name', async () => {
    // Act
    const response = await stack.post('/v1/trial', {
      instanceName: deviceId(),
      email: 'nameless@example.com',
    });

    // Assess
    const body = parsedByClient(response);
    expect(body).toMatchObject({
      status: 'trial',
      user_name: 'nameless@example.com',
      user_email: 'nameless@example.com',
      ai_mode: 'saas',
      trial_ends_at: '2026-04-09T12:00:00Z',
      expires_at: '2026-04-09T12:00:00Z',
    });
    expect(body.ai_details?.limit).toBe(2);
  });

  it('a trial with a name, then its activation and its validate on the same device', async () => {
    // Prepare
    const instanceName = deviceId();
    const trial = parsedByClient(
      await stack.post('/v1/trial', { instanceName, email: 'named@example.com', name: 'Ann' }),
    );

    // Act
    const activated = parsedByClient(
      await stack.post('/v1/activate', { instanceName, licenseKey: trial.licenseKey }),
    );
    const validated = parsedByClient(
      await stack.post('/v1/validate', { licenseKey: trial.licenseKey }),
    );

    // Assess
    for (const body of [trial, activated, validated]) {
      expect(body).toMatchObject({
        status: 'trial',
        user_name: 'Ann',
        instanceId: trial.instanceId,
      });
      expect(body.trial_ends_at).toBe(trial.trial_ends_at);
    }
  });

  it.each(['saas', 'byok'] as const)(
    'a %s license: new device, repeat device, second device, validate',
    async (plan) => {
      // Prepare
      const license = seedLicense(stack, plan, {
        subscription:
          plan === 'saas'
            ? {
                status: 'active',
                renewsAt: new Date(stack.clock.now().getTime() + 20 * DAY).toISOString(),
              }
            : undefined,
      });
      const device = deviceId();

      // Act
      const bodies = [
        await stack.post('/v1/activate', { instanceName: device, licenseKey: license.key }),
        await stack.post('/v1/activate', { instanceName: device, licenseKey: license.key }),
        await stack.post('/v1/activate', { instanceName: deviceId(), licenseKey: license.key }),
        await stack.post('/v1/validate', { licenseKey: license.key }),
      ].map(parsedByClient);

      // Assess
      for (const body of bodies) {
        expect(body).toMatchObject({
          status: 'active',
          ai_mode: plan,
          user_name: 'Jane Doe',
          user_email: 'jane@example.com',
          licenseKey: license.key,
        });
        expect(body.trial_ends_at ?? null).toBeNull();
        expect(Boolean(body.ai_details)).toBe(plan === 'saas');
      }
    },
  );

  it('a license with an expiry and a customer without a name', async () => {
    // Prepare
    const license = seedLicense(stack, 'byok', {
      expiresAt: '2027-01-31T00:00:00.000Z',
      customerName: null,
    });

    // Act
    const body = parsedByClient(
      await stack.post('/v1/activate', { instanceName: deviceId(), licenseKey: license.key }),
    );

    // Assess
    expect(body).toMatchObject({
      expires_at: '2027-01-31T00:00:00Z',
      user_name: 'jane@example.com',
      status: 'active',
    });
  });

  it('a validate after the period rotated, and one served from the table while LemonSqueezy is down', async () => {
    // Prepare
    const local = await startTestStack();
    const renewsAt = new Date(local.clock.now().getTime() + DAY).toISOString();
    const { license, token } = await activatedLicense(local, 'saas', renewsAt);
    local.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, {
      renewsAt: new Date(local.clock.now().getTime() + 31 * DAY).toISOString(),
    });
    local.clock.advance(DAY + HOUR);

    // Act
    const rotated = parsedByClient(await local.post('/v1/validate', { licenseKey: license.key }));
    local.clock.advance(25 * HOUR);
    local.lemonSqueezy.faults.inject('validate', { kind: 'status', status: 503 });
    const inGrace = parsedByClient(await local.post('/v1/validate', { licenseKey: license.key }));

    // Assess
    expect(rotated.status).toBe('active');
    expect(rotated.ai_details?.token).not.toBe(token);
    expect(inGrace.status).toBe('active');
    expect(inGrace.ai_details?.token).toBe(rotated.ai_details?.token);
    await local.close();
  });

  it.each([
    ['disabled at LemonSqueezy', 'suspended', 'LICENSE_DISABLED'],
    ['its subscription expired', 'expired', 'LICENSE_EXPIRED'],
    ['its subscription paused', 'suspended', 'LICENSE_INACTIVE'],
    ['it expired at LemonSqueezy', 'expired', 'LICENSE_EXPIRED'],
  ] as const)(
    'a validate once %s answers 200 %s with %s and no key',
    async (change, status, code) => {
      // Prepare
      const { license } = await activatedLicense(stack, 'saas');
      if (change === 'disabled at LemonSqueezy') {
        stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
      } else if (change === 'it expired at LemonSqueezy') {
        stack.lemonSqueezy.updateLicense(license.key, { status: 'expired' });
      } else {
        stack.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, {
          status: change === 'its subscription expired' ? 'expired' : 'paused',
        });
      }
      stack.clock.advance(25 * HOUR);

      // Act
      const response = await stack.post('/v1/validate', { licenseKey: license.key });

      // Assess
      const body = parsedByClient(response);
      expect(body.status).toBe(status);
      expect(body.ai_details ?? null).toBeNull();
      expect(response.body.code).toBe(code);
      expect(response.body.message).toEqual(expect.any(String));
    },
  );

  it('a renewal not recorded yet: 200 active without ai_details, AI_CREDIT_PENDING', async () => {
    // Prepare
    const renewsAt = new Date(stack.clock.now().getTime() + DAY).toISOString();
    const { license } = await activatedLicense(stack, 'saas', renewsAt);
    stack.clock.advance(DAY + HOUR);

    // Act
    const response = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    const body = parsedByClient(response);
    expect(body.status).toBe('active');
    expect(body.ai_details ?? null).toBeNull();
    expect(response.body.code).toBe('AI_CREDIT_PENDING');
  });

  it('a device whose seat was freed at LemonSqueezy: 200 suspended, DEVICE_DEACTIVATED', async () => {
    // Prepare
    const { license, activation } = await activatedLicense(stack, 'saas');
    stack.lemonSqueezy.deactivateInstance(license.key, activation.instanceId);
    stack.clock.advance(25 * HOUR);

    // Act
    const response = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    const body = parsedByClient(response);
    expect([body.status, response.body.code]).toEqual(['suspended', 'DEVICE_DEACTIVATED']);
    expect(body.ai_details ?? null).toBeNull();
  });

  it('a validate after the trial ended answers 200 expired with TRIAL_EXPIRED', async () => {
    // Prepare
    const local = await startTestStack();
    const trial = await local.post('/v1/trial', {
      instanceName: deviceId(),
      email: 'x@example.com',
    });
    local.clock.advance(30 * DAY + HOUR);

    // Act
    const response = await local.post('/v1/validate', { licenseKey: trial.body.licenseKey });

    // Assess
    const body = parsedByClient(response);
    expect([body.status, response.body.code]).toEqual(['expired', 'TRIAL_EXPIRED']);
    expect(body.trial_ends_at).toBe(trial.body.trial_ends_at);
    await local.close();
  });
});

describe('client contract: every refusal has the status whose client message is true', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  async function refusal(make: () => Promise<HttpResult>) {
    const response = await make();
    expect(response.body.message).toBe(response.body.error);
    expect(response.body.details).toEqual(expect.any(String));
    return [response.body.code, response.status, clientError(response.status)];
  }

  it.each([
    ['TRIAL_ALREADY_USED', 403, 'TrialAlreadyUsed'],
    ['TRIAL_EXPIRED', 403, 'TrialAlreadyUsed'],
    ['INSTANCE_MISMATCH', 403, 'TrialAlreadyUsed'],
    ['ACTIVATION_LIMIT_REACHED', 409, 'LicenseAlreadyActivated'],
    ['LICENSE_NOT_FOUND', 404, 'LicenseNotFound'],
    ['LICENSE_DISABLED', 400, 'ActivationFailed'],
    ['LICENSE_EXPIRED', 400, 'ActivationFailed'],
    ['PRODUCT_NOT_ALLOWED', 400, 'ActivationFailed'],
    ['INVALID_REQUEST', 400, 'ActivationFailed'],
    ['UPSTREAM_UNAVAILABLE', 503, 'ServiceUnavailable'],
    ['UPSTREAM_ERROR', 503, 'ServiceUnavailable'],
  ] as const)('%s answers %i: the client says %s', async (code, status, message) => {
    // Prepare
    const instanceName = deviceId();
    const make = async (): Promise<HttpResult> => {
      switch (code) {
        case 'TRIAL_ALREADY_USED':
          await stack.post('/v1/trial', { instanceName, email: 'twice@example.com' });
          return stack.post('/v1/trial', { instanceName, email: 'twice@example.com' });
        case 'TRIAL_EXPIRED': {
          const local = await startTestStack();
          const trial = await local.post('/v1/trial', { instanceName, email: 'a@example.com' });
          local.clock.advance(31 * DAY);
          const answer = await local.post('/v1/activate', {
            instanceName,
            licenseKey: trial.body.licenseKey,
          });
          await local.close();
          return answer;
        }
        case 'INSTANCE_MISMATCH': {
          const trial = await stack.post('/v1/trial', { instanceName, email: 'b@example.com' });
          return stack.post('/v1/activate', {
            instanceName: deviceId(),
            licenseKey: trial.body.licenseKey,
          });
        }
        case 'ACTIVATION_LIMIT_REACHED': {
          const license = seedLicense(stack, 'byok', { activationLimit: 1 });
          await stack.post('/v1/activate', { instanceName, licenseKey: license.key });
          return stack.post('/v1/activate', { instanceName: deviceId(), licenseKey: license.key });
        }
        case 'LICENSE_NOT_FOUND':
          return stack.post('/v1/activate', { instanceName, licenseKey: 'NOPE-0000' });
        case 'LICENSE_DISABLED':
        case 'LICENSE_EXPIRED': {
          const status = code === 'LICENSE_DISABLED' ? 'disabled' : 'expired';
          const license = seedLicense(stack, 'byok', { status });
          return stack.post('/v1/activate', { instanceName, licenseKey: license.key });
        }
        case 'PRODUCT_NOT_ALLOWED': {
          const license = seedLicense(stack, 'byok', { storeId: 1 });
          return stack.post('/v1/activate', { instanceName, licenseKey: license.key });
        }
        case 'INVALID_REQUEST':
          return stack.post('/v1/activate', { instanceName });
        case 'UPSTREAM_UNAVAILABLE':
        case 'UPSTREAM_ERROR': {
          const license = seedLicense(stack, 'byok');
          stack.lemonSqueezy.faults.inject(
            'validate',
            code === 'UPSTREAM_ERROR' ? { kind: 'status', status: 401 } : { kind: 'reset' },
          );
          return stack.post('/v1/activate', { instanceName, licenseKey: license.key });
        }
      }
    };

    // Act
    const seen = await refusal(make);

    // Assess
    expect(seen).toEqual([code, status, message]);
  });
});

describe('client contract: the reachability probe', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('GET /v1/validate is answered at the edge: a 405 the client counts as online, no function run', async () => {
    // Prepare
    const output = captureOutput();

    // Act
    let probe: Response;
    let control: Response;
    try {
      probe = await fetch(`${stack.url}/v1/validate`);
      control = await fetch(`${stack.url}/v1/webhook`);
      await Promise.all([probe.text(), control.text()]);
    } finally {
      output.restore();
    }
    const requestLogs = output
      .text()
      .split('\n')
      .filter((line) => line.includes('"message":"request"'));

    // Assess
    expect(probe.status).toBe(405);
    expect(probe.headers.get('allow')).toBe('POST');
    expect(probe.headers.get('content-type')).toBe('application/json');
    // The unguarded webhook path reaches its function, which logs the request; the probe does not.
    expect(control.status).toBe(405);
    expect(requestLogs.some((line) => line.includes('"route":"/v1/webhook"'))).toBe(true);
    expect(requestLogs.some((line) => line.includes('"route":"/v1/validate"'))).toBe(false);
  });
});
