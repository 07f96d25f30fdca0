import { describe, expect, it } from 'vitest';
import { DEFAULT_RESERVED_CONCURRENCY } from '#config/concurrency.ts';
import { DYNAMODB_CLIENT_DEFAULTS } from '#config/time-budget.ts';
import { useSynthesisedApp } from '#test/infra/synth-app.ts';
import { onlyResource } from '#test/infra/template-queries.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON.
type Json = any;

const FUNCTIONS = [
  ['ravn-activate', 'activate'],
  ['ravn-validate', 'validate'],
  ['ravn-webhook', 'webhook'],
  ['ravn-reaper', 'reaper'],
  ['ravn-reconciler', 'reconciler'],
] as const;

/** The SDK's backoff between three attempts, at most (0.2 s, then 0.4 s). */
const MAX_BACKOFF_MS = 600;

// The default deployment: eu-west-1, no WAF, no custom domain, no alarm email.
describe('RavnActivateStack time budget', () => {
  const { template } = useSynthesisedApp({ region: 'eu-west-1' });

  const functionNamed = (name: string) =>
    onlyResource(template, 'AWS::Lambda::Function', { FunctionName: name });

  it.each(['ravn-activate', 'ravn-validate', 'ravn-webhook'])(
    'gives %s 5 s less than CloudFront waits for its answer, for the cold start',
    (name) => {
      // Prepare
      const fn = functionNamed(name);
      const url = onlyResource(template, 'AWS::Lambda::Url', {
        TargetFunctionArn: { 'Fn::GetAtt': [fn.id, 'Arn'] },
      });
      const { properties } = onlyResource(template, 'AWS::CloudFront::Distribution');

      // Act
      const origin = properties.DistributionConfig.Origins.find((candidate: Json) =>
        JSON.stringify(candidate.DomainName).includes(`"${url.id}","FunctionUrl"`),
      );

      // Assess: the function gives up, and answers, before CloudFront answers 504 in its place.
      const readTimeout = origin.CustomOriginConfig.OriginReadTimeout;
      expect(fn.properties.Timeout + 5).toBeLessThanOrEqual(readTimeout);
    },
  );

  it('lets a hung DynamoDB call fail, all attempts included, well before the function times out', () => {
    // Prepare
    const timeoutMs = functionNamed('ravn-validate').properties.Timeout * 1000;
    const { connectTimeoutMs, requestTimeoutMs, maxAttempts } = DYNAMODB_CLIENT_DEFAULTS;

    // Act
    const worstCallMs = maxAttempts * (connectTimeoutMs + requestTimeoutMs) + MAX_BACKOFF_MS;

    // Assess: room for the answer (503) and the rest of the request.
    expect(worstCallMs).toBeLessThanOrEqual(timeoutMs / 2);
  });
});

describe('RavnActivateStack reserved concurrency', () => {
  describe('by default', () => {
    const { template } = useSynthesisedApp({ region: 'eu-west-1' });

    it.each(FUNCTIONS)('reserves the default for %s', (name, key) => {
      // Act
      const fn = onlyResource(template, 'AWS::Lambda::Function', { FunctionName: name });

      // Assess
      expect(fn.properties.ReservedConcurrentExecutions).toBe(DEFAULT_RESERVED_CONCURRENCY[key]);
    });

    it('gives validate the most and the reaper one run at a time', () => {
      // Assess
      const { validate, activate, webhook, reaper } = DEFAULT_RESERVED_CONCURRENCY;
      expect(validate).toBeGreaterThan(Math.max(activate, webhook));
      expect(reaper).toBe(1);
    });
  });

  describe('turned off', () => {
    const { template } = useSynthesisedApp({ region: 'eu-west-1', reservedConcurrency: 'off' });

    it.each(FUNCTIONS)('reserves nothing for %s (a reservation of 0 would stop it)', (name) => {
      // Act
      const fn = onlyResource(template, 'AWS::Lambda::Function', { FunctionName: name });

      // Assess
      expect(fn.properties.ReservedConcurrentExecutions).toBeUndefined();
    });
  });

  describe('set per function', () => {
    const { template } = useSynthesisedApp({
      region: 'eu-west-1',
      reservedConcurrency: 'validate=40, reaper=0',
    });

    it.each([
      ['ravn-validate', 40],
      ['ravn-reaper', undefined],
      ['ravn-activate', DEFAULT_RESERVED_CONCURRENCY.activate],
      ['ravn-webhook', DEFAULT_RESERVED_CONCURRENCY.webhook],
    ])('reserves for %s %s, the rest keeping their defaults', (name, expected) => {
      // Act
      const fn = onlyResource(template, 'AWS::Lambda::Function', { FunctionName: name });

      // Assess
      expect(fn.properties.ReservedConcurrentExecutions).toBe(expected);
    });
  });
});
