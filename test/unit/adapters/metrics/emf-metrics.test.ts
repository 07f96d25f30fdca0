import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmfMetrics } from '#adapters/metrics/emf-metrics.ts';
import { captureEmf } from '#test/helpers/emf-capture.ts';

const warnings: string[] = [];
const logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => {
    warnings.push(message);
  },
  error: () => undefined,
};

describe('EmfMetrics', () => {
  let emf: ReturnType<typeof captureEmf>;

  beforeEach(() => {
    warnings.length = 0;
    emf = captureEmf();
  });

  afterEach(() => {
    emf.restore();
  });

  it('writes nothing, and warns of nothing, when nothing was recorded', () => {
    // Prepare
    const metrics = new EmfMetrics('ravn-validate', logger);

    // Act
    metrics.flush();

    // Assess
    expect(emf.documents()).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('sums what one invocation recorded into one line per set of dimensions and values', () => {
    // Prepare
    const metrics = new EmfMetrics('ravn-activate', logger);

    // Act
    metrics.count('ActivationsRefused', { Code: 'LICENSE_NOT_FOUND' });
    metrics.count('ActivationsRefused', { Code: 'LICENSE_NOT_FOUND' });
    metrics.count('ActivationsRefused', { Code: 'RATE_LIMITED' });
    metrics.count('AiKeysIssued');
    metrics.usd('CreditIssuedUsd', 6);
    metrics.usd('CreditIssuedUsd', 2);
    metrics.flush();

    // Assess
    // Two codes, then the keys and the credit: apart, as only the credit has a total.
    expect(emf.documents()).toHaveLength(4);
    expect(emf.value('ActivationsRefused', { Code: 'LICENSE_NOT_FOUND' })).toBe(2);
    expect(emf.value('ActivationsRefused', { Code: 'RATE_LIMITED' })).toBe(1);
    expect(emf.value('AiKeysIssued')).toBe(1);
    expect(emf.value('CreditIssuedUsd')).toBe(8);
    expect(emf.documents().every((document) => document.service === 'ravn-activate')).toBe(true);
  });

  it('publishes a total with no dimension for the metrics an alarm reads, and only those', () => {
    // Prepare
    const metrics = new EmfMetrics('ravn-webhook', logger);

    // Act
    metrics.count('UpstreamErrors', { Upstream: 'openrouter', CallPoint: 'disable-key' });
    metrics.count('UpstreamErrors', { Upstream: 'lemonsqueezy', CallPoint: 'get-subscription' });
    metrics.count('WebhookEvents', { Event: 'subscription_paused', Outcome: 'applied' });
    metrics.flush();

    // Assess
    expect(emf.total('UpstreamErrors')).toBe(2);
    expect(emf.total('WebhookEvents')).toBe(0);
    const [directive] = emf.documents()[0]?._aws.CloudWatchMetrics ?? [];
    expect(directive?.Dimensions).toEqual([['service', 'Upstream', 'CallPoint'], []]);
  });

  it('forgets what it published: the next invocation starts from nothing', () => {
    // Prepare
    const metrics = new EmfMetrics('ravn-activate', logger);
    metrics.count('TrialsStarted');
    metrics.flush();

    // Act
    metrics.flush();

    // Assess
    expect(emf.value('TrialsStarted')).toBe(1);
    expect(emf.documents()).toHaveLength(1);
  });
});
