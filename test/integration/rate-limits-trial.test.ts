import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createActivateHandler } from '#handlers/activate.ts';
import { VIEWER_ADDRESS_HEADER } from '#http/client-ip.ts';
import { jsonEvent } from '#local/api-event.ts';
import { postFrom, rateItems } from '#test/helpers/client-address.ts';
import { errorBodyOf } from '#test/helpers/error-body.ts';
import { HOUR, SECOND } from '#test/helpers/manual-clock.ts';
import {
  deviceId,
  SERVICE_RATE_LIMITS,
  type TestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';

const TOO_MANY = 'Too many trials were started from this network address.';

let sequence = 0;
/** A trial nobody had: a new device and a new address each time. */
function freshTrial() {
  sequence += 1;
  return { instanceName: deviceId(), email: `rate-${sequence}-${Date.now()}@example.com` };
}

/** The end of the fixed window `now` falls in (windows start at multiples of their length). */
function windowEnd(stack: TestStack, windowMs: number): Date {
  return new Date((Math.floor(stack.clock.now().getTime() / windowMs) + 1) * windowMs);
}

/** Wire form of an instant: RFC 3339 without milliseconds. */
const wire = (date: Date) => date.toISOString().replace('.000Z', 'Z');

describe('rate limit: POST /v1/trial per client IP (default 5 an hour)', () => {
  const stack = useTestStack(SERVICE_RATE_LIMITS);

  async function trialsFrom(from: string, count: number) {
    const statuses: number[] = [];
    for (let index = 0; index < count; index += 1) {
      statuses.push((await postFrom(stack, from, '/v1/trial', freshTrial())).status);
    }
    return statuses;
  }

  it('answers the sixth trial from one address 429 RATE_LIMITED with Retry-After, RateLimit fields and retry_at', async () => {
    // Prepare
    const from = '127.0.0.11';
    const resetAt = windowEnd(stack, HOUR);
    const seconds = Math.ceil((resetAt.getTime() - stack.clock.now().getTime()) / 1000);
    expect(await trialsFrom(from, 5)).toEqual([200, 200, 200, 200, 200]);
    const keysBefore = stack.openRouter.keys().length;

    // Act
    const refused = await postFrom(stack, from, '/v1/trial', freshTrial());

    // Assess
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      ...errorBodyOf('RATE_LIMITED', TOO_MANY),
      retry_at: wire(resetAt),
    });
    expect(refused.headers).toMatchObject({
      'retry-after': String(seconds),
      'ratelimit-policy': '"trial";q=5;w=3600',
      ratelimit: `"trial";r=0;t=${seconds}`,
      'content-type': 'application/json',
      'cache-control': 'no-store',
    });
    // Refused before anything was spent: no OpenRouter key, no trial stored.
    expect(stack.openRouter.keys()).toHaveLength(keysBefore);
  });

  it('keeps refusing until the window ends, to the second, then lets the address start trials again', async () => {
    // Prepare
    const from = '127.0.0.12';
    expect(await trialsFrom(from, 6)).toEqual([200, 200, 200, 200, 200, 429]);
    const resetAt = windowEnd(stack, HOUR);
    stack.clock.set(new Date(resetAt.getTime() - SECOND));

    // Act
    const lastSecond = await postFrom(stack, from, '/v1/trial', freshTrial());
    stack.clock.set(resetAt);
    const nextWindow = await trialsFrom(from, 6);

    // Assess
    expect(lastSecond.status).toBe(429);
    expect(lastSecond.headers?.['retry-after']).toBe('1');
    expect(lastSecond.headers?.ratelimit).toBe('"trial";r=0;t=1');
    expect(nextWindow).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('counts each address on its own, and never what the client says its address is', async () => {
    // Prepare: spoofed viewer addresses and X-Forwarded-For entries change nothing.
    const from = '127.0.0.13';
    const statuses: number[] = [];
    for (let index = 0; index < 7; index += 1) {
      const spoofed = {
        'cloudfront-viewer-address': `198.51.100.${index}:4000`,
        'x-forwarded-for': `203.0.113.${index}`,
      };
      statuses.push((await postFrom(stack, from, '/v1/trial', freshTrial(), spoofed)).status);
    }

    // Act
    const other = await postFrom(stack, '127.0.0.14', '/v1/trial', freshTrial());

    // Assess
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(other.status).toBe(200);
  });

  it('counts the /64s of one home (a /56) together: the sixth trial, from a sixth /64, is 429', async () => {
    // Prepare: CloudFront's viewer address, as it forwards it, from six /64s of 2001:db8:1:2a00::/56
    // (the local server only listens on IPv4 loopback, so the events go straight to the handler).
    const handler = createActivateHandler(stack.deps);
    const trialFrom = async (address: string) => {
      const event = jsonEvent('/v1/trial', freshTrial(), {
        [VIEWER_ADDRESS_HEADER]: `${address}:46532`,
      });
      const response = await handler(event, { awsRequestId: `v6-${sequence}` });
      return (response as APIGatewayProxyStructuredResultV2).statusCode ?? 0;
    };
    const statuses: number[] = [];
    for (const net of ['2a00', '2a01', '2a17', '2a80', '2ac3']) {
      statuses.push(await trialFrom(`2001:db8:1:${net}::${net}`));
    }

    // Act
    const sixth = await trialFrom('2001:db8:1:2aff:8a2e:370:7334:1');
    const nextHome = await trialFrom('2001:db8:1:2b00::1');

    // Assess
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(sixth).toBe(429);
    expect(nextHome).toBe(200);
    const subjects = (await rateItems(stack)).map((item) => String(item.pk));
    expect(subjects).toContain('RATE#trial#2001:0db8:0001:2a00::/56');
  });

  it('lets exactly 5 of 50 parallel trials from one address through', async () => {
    // Prepare
    const from = '127.0.0.15';
    const trials = Array.from({ length: 50 }, freshTrial);
    const keysBefore = stack.openRouter.keys().length;

    // Act
    const answers = await Promise.all(
      trials.map((body) => postFrom(stack, from, '/v1/trial', body)),
    );

    // Assess
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(45);
    const started = new Set(trials.map((trial) => trial.email));
    const stored = (await stack.items()).filter(
      (item) => item.kind === 'trial' && started.has(String(item.customerEmail)),
    );
    expect(stored).toHaveLength(5);
    expect(stack.openRouter.keys().length - keysBefore).toBe(5);
  });

  it('does not count trials refused for their input (a bad device id, a disposable address)', async () => {
    // Prepare
    const from = '127.0.0.16';
    for (let index = 0; index < 6; index += 1) {
      const bad = await postFrom(stack, from, '/v1/trial', {
        instanceName: 'device-1',
        email: 'a@example.com',
      });
      const disposable = await postFrom(stack, from, '/v1/trial', {
        instanceName: deviceId(),
        email: 'someone@mailinator.com',
      });
      expect([bad.status, disposable.status]).toEqual([400, 400]);
    }

    // Act
    const statuses = await trialsFrom(from, 5);

    // Assess
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
  });
});

describe('rate limits off (RATE_LIMITS=off)', () => {
  const stack = useTestStack({ ...SERVICE_RATE_LIMITS, RATE_LIMITS: 'off' });

  it('starts every trial from one address and counts nothing', async () => {
    // Act
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => postFrom(stack, '127.0.0.17', '/v1/trial', freshTrial())),
    );

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    expect(await rateItems(stack)).toEqual([]);
  });
});

describe('rate limits and Idempotency-Key', () => {
  const stack = useTestStack({ ...SERVICE_RATE_LIMITS, RATE_LIMIT_TRIAL: '1/1h' });

  it('does not keep a 429 for the key: the same key and body start the trial once the window is over', async () => {
    // Prepare
    const from = '127.0.0.18';
    expect((await postFrom(stack, from, '/v1/trial', freshTrial())).status).toBe(200);
    const body = freshTrial();
    const key = { 'idempotency-key': `retry-${Date.now()}` };
    const refused = await postFrom(stack, from, '/v1/trial', body, key);

    // Act
    stack.clock.set(windowEnd(stack, HOUR));
    const retried = await postFrom(stack, from, '/v1/trial', body, key);

    // Assess
    expect([refused.status, refused.body.code]).toEqual([429, 'RATE_LIMITED']);
    expect(retried.status).toBe(200);
    expect(retried.headers?.['idempotent-replayed']).toBeUndefined();
  });
});
