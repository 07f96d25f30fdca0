import { describe, expect, it } from 'vitest';
import { captureOutput } from '#test/helpers/captured-output.ts';
import { DAY } from '#test/helpers/manual-clock.ts';
import { clientError, parsedByClient } from '#test/helpers/ravn-client.ts';
import {
  deviceId,
  type HttpResult,
  seedLicense,
  startTestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';

describe('client contract: every refusal has the status whose client message is true', () => {
  const stack = useTestStack();

  async function refusal(make: () => Promise<HttpResult>) {
    const response = await make();
    expect(response.body.message).toBe(response.body.error);
    expect(response.body.details).toEqual(expect.any(String));
    return [response.body.code, response.status, clientError(response.status)];
  }

  it.each([
    ['TRIAL_ALREADY_USED', 403, 'TrialAlreadyUsed'],
    ['DISPOSABLE_EMAIL', 400, 'ActivationFailed'],
    ['TRIAL_EXPIRED', 403, 'TrialAlreadyUsed'],
    ['INSTANCE_MISMATCH', 403, 'TrialAlreadyUsed'],
    ['ACTIVATION_LIMIT_REACHED', 409, 'LicenseAlreadyActivated'],
    ['LICENSE_NOT_FOUND', 404, 'LicenseNotFound'],
    ['LICENSE_DISABLED', 400, 'ActivationFailed'],
    ['LICENSE_EXPIRED', 400, 'ActivationFailed'],
    ['PRODUCT_NOT_ALLOWED', 400, 'ActivationFailed'],
    ['INVALID_REQUEST', 400, 'ActivationFailed'],
    ['INVALID_DEVICE_ID', 400, 'ActivationFailed'],
    ['UPSTREAM_UNAVAILABLE', 503, 'ServiceUnavailable'],
    ['UPSTREAM_ERROR', 503, 'ServiceUnavailable'],
    ['RATE_LIMITED', 429, 'Unknown'],
    ['UPSTREAM_BUSY', 503, 'ServiceUnavailable'],
  ] as const)('%s answers %i: the client says %s', async (code, status, message) => {
    // Prepare
    const instanceName = deviceId();
    const make = async (): Promise<HttpResult> => {
      switch (code) {
        case 'TRIAL_ALREADY_USED':
          await stack.post('/v1/trial', { instanceName, email: 'twice@example.com' });
          return stack.post('/v1/trial', { instanceName: deviceId(), email: 'twice@example.com' });
        case 'DISPOSABLE_EMAIL':
          return stack.post('/v1/trial', { instanceName, email: 'someone@mailinator.com' });
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
        case 'INVALID_DEVICE_ID':
          return stack.post('/v1/trial', { instanceName: 'device-1', email: 'c@example.com' });
        case 'UPSTREAM_UNAVAILABLE':
        case 'UPSTREAM_ERROR': {
          const license = seedLicense(stack, 'byok');
          stack.lemonSqueezy.faults.inject(
            'validate',
            code === 'UPSTREAM_ERROR' ? { kind: 'status', status: 401 } : { kind: 'reset' },
          );
          return stack.post('/v1/activate', { instanceName, licenseKey: license.key });
        }
        case 'RATE_LIMITED': {
          // The client shows 429 as "unknown" with our message: true, and it retries by itself
          // (its hourly loop) after the window anyway.
          const local = await startTestStack({ RATE_LIMIT_TRIAL: '1/1h' });
          await local.post('/v1/trial', { instanceName, email: 'd@example.com' });
          const answer = await local.post('/v1/trial', {
            instanceName: deviceId(),
            email: 'e@example.com',
          });
          await local.close();
          return answer;
        }
        case 'UPSTREAM_BUSY': {
          // One License API call a minute for first contacts: the first activation takes it.
          const local = await startTestStack({
            LEMONSQUEEZY_BUDGET_PER_MINUTE: '2',
            LEMONSQUEEZY_FIRST_CONTACT_PER_MINUTE: '1',
          });
          await local.post('/v1/activate', { instanceName, licenseKey: deviceId() });
          const answer = await local.post('/v1/activate', {
            instanceName,
            licenseKey: seedLicense(local, 'byok').key,
          });
          await local.close();
          return answer;
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
  const stack = useTestStack();

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

/** The shipped client's trial form takes any address this pattern accepts (its own check). */
const CLIENT_EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

describe('client contract: trial email addresses as the client accepts them', () => {
  const stack = useTestStack();

  it.each(['jörg@example.de', 'user@bücher.de', 'x&y@example.com'])(
    'starts a trial for %s, echoing the address as sent',
    async (email) => {
      // Prepare
      expect(email).toMatch(CLIENT_EMAIL_PATTERN);

      // Act
      const response = await stack.post('/v1/trial', { instanceName: deviceId(), email });

      // Assess
      const body = parsedByClient(response);
      expect([body.status, body.user_email]).toEqual(['trial', email]);
    },
  );

  it.each([
    ['a..b@example.com', 'have two in a row'],
    ['jörg\u200b@example.de', 'invisible or control character'],
    ['a"b@example.com', 'may not contain any of'],
    ['someone@example.123', 'not a valid domain name'],
    ['someone@bad_host.example', 'not a valid domain name'],
    [`${'ü'.repeat(33)}@example.de`, 'longer than 64 bytes'],
  ])(
    'refuses %j, which the client form accepts, with a 400 sentence the client shows',
    async (email, rule) => {
      // Prepare
      expect(email).toMatch(CLIENT_EMAIL_PATTERN);

      // Act
      const response = await stack.post('/v1/trial', { instanceName: deviceId(), email });

      // Assess
      expect([response.status, response.body.code, clientError(response.status)]).toEqual([
        400,
        'INVALID_REQUEST',
        'ActivationFailed',
      ]);
      expect(response.body.error).toMatch(/^Field 'email' is invalid: /);
      expect(response.body.error).toContain(rule);
      expect(response.text).not.toContain(email);
    },
  );
});
