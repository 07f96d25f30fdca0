import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { METRICS, METRICS_NAMESPACE } from '#config/metrics.ts';
import { captureEmf } from '#test/helpers/emf-capture.ts';
import { DAY } from '#test/helpers/manual-clock.ts';
import {
  activatedLicense,
  deviceId,
  PLANS,
  seedLicense,
  startTestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';
import { deliver, eventFor } from '#test/helpers/webhook-events.ts';

/** The `service` dimension outside Lambda (one process serves every function). */
const LOCAL_SERVICE = 'ravn-local';

describe('metrics (EMF on stdout)', () => {
  const stack = useTestStack();
  let emf: ReturnType<typeof captureEmf>;

  beforeEach(() => {
    emf = captureEmf();
  });

  afterEach(() => {
    emf.restore();
  });

  it('writes each line in the RavnActivate namespace with the function as `service`', async () => {
    // Act
    await stack.post('/v1/trial', { instanceName: deviceId(), email: 'ns@example.com' });

    // Assess
    const documents = emf.documents();
    expect(documents.length).toBeGreaterThan(0);
    for (const document of documents) {
      const [directive] = document._aws.CloudWatchMetrics;
      expect(directive?.Namespace).toBe(METRICS_NAMESPACE);
      expect(document.service).toBe(LOCAL_SERVICE);
      for (const metric of directive?.Metrics ?? []) {
        expect(Object.keys(METRICS)).toContain(metric.Name);
      }
    }
  });

  it('counts a SaaS trial: TrialsStarted 1, one key issued and its 2 USD of credit', async () => {
    // Act
    const response = await stack.post('/v1/trial', {
      instanceName: deviceId(),
      email: 'counted@example.com',
    });

    // Assess
    expect(response.status).toBe(200);
    expect(emf.value('TrialsStarted')).toBe(1);
    expect(emf.value('AiKeysIssued')).toBe(1);
    expect(emf.value('CreditIssuedUsd')).toBe(2);
    expect(emf.total('CreditIssuedUsd')).toBe(2);
    const createKey = { Upstream: 'openrouter', CallPoint: 'create-key' };
    expect(emf.value('UpstreamCalls', createKey)).toBe(1);
    expect(emf.value('UpstreamErrors', createKey)).toBe(0);
  });

  it('counts a first activation as new with its plan credit, and the next one as repeat', async () => {
    // Act
    const { license, device } = await activatedLicense(stack);
    await stack.post('/v1/activate', { instanceName: device, licenseKey: license.key });

    // Assess
    expect(emf.value('Activations', { Result: 'new' })).toBe(1);
    expect(emf.value('Activations', { Result: 'repeat' })).toBe(1);
    expect(emf.value('CreditIssuedUsd')).toBe(PLANS.saas.credits);
    expect(
      emf.value('UpstreamCalls', { Upstream: 'lemonsqueezy', CallPoint: 'license-activate' }),
    ).toBe(1);
  });

  it('counts an activation refused with LICENSE_NOT_FOUND by its code', async () => {
    // Act
    const response = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: 'ABCD-UNKNOWN-KEY-0000',
    });

    // Assess
    expect(response.body.code).toBe('LICENSE_NOT_FOUND');
    expect(emf.value('ActivationsRefused', { Code: 'LICENSE_NOT_FOUND' })).toBe(1);
    expect(emf.value('Activations', { Result: 'new' })).toBe(0);
    expect(emf.text()).not.toContain('ABCD-UNKNOWN-KEY-0000');
  });

  it('counts validates by status and code', async () => {
    // Prepare
    const { license } = await activatedLicense(stack);

    // Act
    await stack.post('/v1/validate', { licenseKey: license.key });
    await stack.post('/v1/validate', { licenseKey: 'ABCD-NEVER-ACTIVATED-0000' });

    // Assess
    expect(emf.value('Validates', { Status: 'active', Code: 'NONE' })).toBe(1);
    expect(emf.value('Validates', { Status: 'refused', Code: 'LICENSE_NOT_FOUND' })).toBe(1);
    expect(emf.text()).not.toContain(license.key);
  });

  it('counts an upstream fault at its call point, and in the deployment total', async () => {
    // Prepare
    stack.openRouter.faults.inject('create', { kind: 'status', status: 500 });

    // Act
    const response = await stack.post('/v1/trial', {
      instanceName: deviceId(),
      email: 'fault@example.com',
    });

    // Assess
    expect(response.status).toBe(503);
    const createKey = { Upstream: 'openrouter', CallPoint: 'create-key' };
    expect(emf.value('UpstreamErrors', createKey)).toBe(1);
    expect(emf.value('UpstreamCalls', createKey)).toBe(1);
    expect(emf.total('UpstreamErrors')).toBe(1);
    expect(emf.total('UpstreamCalls')).toBe(1);
    expect(emf.value('TrialsStarted')).toBe(0);
    expect(emf.value('CreditIssuedUsd')).toBe(0);
  });

  it('counts a webhook event by its name and outcome', async () => {
    // Prepare
    const { license } = await activatedLicense(stack);
    stack.clock.advance(DAY);
    const event = eventFor(stack, 'subscription_paused', license);

    // Act
    const first = await deliver(stack, event);
    await deliver(stack, event);

    // Assess
    expect(first.status).toBe(200);
    expect(first.body?.outcome).toBe('applied');
    const paused = (outcome: string) => ({ Event: 'subscription_paused', Outcome: outcome });
    expect(emf.value('WebhookEvents', paused('applied'))).toBe(1);
    expect(emf.value('WebhookEvents', paused('duplicate'))).toBe(1);
    // A paused subscription may not use its key: disabled, and counted as revoked.
    expect(emf.value('AiKeysRevoked')).toBe(1);
  });
});

describe('metrics of refusals by the limits', () => {
  it('counts a trial refused by its rate limit by policy, a license past its share of LemonSqueezy calls, and calls over budget', async () => {
    // Prepare
    const stack = await startTestStack({
      RATE_LIMIT_TRIAL: '1/1h',
      RATE_LIMIT_LICENSE_UPSTREAM: '1/1m',
      LEMONSQUEEZY_BUDGET_PER_MINUTE: '2',
      LEMONSQUEEZY_FIRST_CONTACT_PER_MINUTE: '1',
    });
    const emf = captureEmf();
    try {
      // Act
      await stack.post('/v1/trial', { instanceName: deviceId(), email: 'one@example.com' });
      const limited = await stack.post('/v1/trial', {
        instanceName: deviceId(),
        email: 'two@example.com',
      });
      // A first activation: its validate is the license's one call this minute (and the first
      // contacts' one), so its seat is refused.
      const seat = await stack.post('/v1/activate', {
        instanceName: deviceId(),
        licenseKey: seedLicense(stack, 'byok').key,
      });
      for (const key of ['ABCD-BUDGET-ONE-0000', 'ABCD-BUDGET-TWO-0000']) {
        await stack.post('/v1/activate', { instanceName: deviceId(), licenseKey: key });
      }

      // Assess
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect(seat.body.code).toBe('RATE_LIMITED');
      expect(emf.value('RateLimited', { Policy: 'trial' })).toBe(1);
      expect(emf.value('RateLimited', { Policy: 'lemonsqueezy-license' })).toBe(1);
      expect(emf.value('ActivationsRefused', { Code: 'RATE_LIMITED' })).toBe(1);
      expect(emf.value('UpstreamBusy', { Priority: 'first-contact' })).toBe(2);
    } finally {
      emf.restore();
      await stack.close();
    }
  });
});
