import autocannon from 'autocannon';
import { seededRandom } from '#local/seeded-random.ts';
import { type BenchLicense, deviceId, seedActivatedLicenses } from './seed.ts';
import { startBenchStack } from './stack.ts';

export interface LoadOptions {
  licenses: number;
  requests: number;
  connections: number;
}

type Kind = 'validate' | 'activate' | 'trial';

/**
 * Every trial stores three items in one transaction (the license and both claims), then the
 * audit record of the AI key it was given (a SaaS trial: docs/operations.md, "Audit trail").
 */
const ITEMS_PER_TRIAL = 4;

/**
 * Mixed load through the local HTTP server: ~90 % validate of activated licenses, ~5 %
 * idempotent re-activation of an active device, ~5 % new trials (unique email and device).
 * autocannon runs in this process, so it shares the two cores with the server, the doubles and
 * DynamoDB Local: the throughput is a floor for the code, not a capacity figure for AWS.
 */
export async function measureLoad(dynamoDbEndpoint: string, options: LoadOptions) {
  const stack = await startBenchStack(dynamoDbEndpoint);
  try {
    const licenses = await seedActivatedLicenses(stack, options.licenses);
    const itemsBefore = await stack.countItems();

    const random = seededRandom(6);
    const sent: Record<Kind, number> = { validate: 0, activate: 0, trial: 0 };
    const ok: Record<Kind, number> = { validate: 0, activate: 0, trial: 0 };
    const failed: Record<string, number> = {};
    let cursor = 0;
    let trialNumber = 0;
    const pick = () => licenses[cursor++ % licenses.length] as BenchLicense;

    const result = await autocannon({
      url: stack.url,
      connections: options.connections,
      amount: options.requests,
      timeout: 30,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          // One request template whose body is drawn per request; the kind rides in the
          // connection's context so onResponse knows what it answered.
          setupRequest: (request, context) => {
            const draw = random();
            const kind: Kind = draw < 0.9 ? 'validate' : draw < 0.95 ? 'activate' : 'trial';
            (context as { kind?: Kind }).kind = kind;
            sent[kind] += 1;
            return { ...request, ...requestFor(kind, pick, () => trialNumber++) };
          },
          onResponse: (status, body, context) => {
            const kind = (context as { kind?: Kind }).kind ?? 'validate';
            if (status === 200) ok[kind] += 1;
            else {
              const code = `${kind} ${status} ${codeOf(body)}`;
              failed[code] = (failed[code] ?? 0) + 1;
            }
          },
        },
      ],
    });
    const itemsAfter = await stack.countItems();
    const itemsExpected = itemsBefore + ITEMS_PER_TRIAL * ok.trial;
    const completed = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
    return {
      requests: options.requests,
      connections: options.connections,
      licenses: options.licenses,
      durationSeconds: result.duration,
      completed,
      throughput: completed / result.duration,
      latency: {
        mean: result.latency.mean,
        p50: result.latency.p50,
        p97_5: result.latency.p97_5,
        p99: result.latency.p99,
        max: result.latency.max,
      },
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      sent,
      ok,
      failed,
      items: {
        before: itemsBefore,
        after: itemsAfter,
        expected: itemsExpected,
        perTrial: ITEMS_PER_TRIAL,
        match: itemsAfter === itemsExpected,
      },
    };
  } finally {
    await stack.close();
  }
}

export type LoadResult = Awaited<ReturnType<typeof measureLoad>>;

function requestFor(kind: Kind, pick: () => BenchLicense, nextTrial: () => number) {
  if (kind === 'trial') {
    const number = nextTrial();
    return {
      path: '/v1/trial',
      body: JSON.stringify({
        instanceName: deviceId(),
        email: `load-trial-${number}@example.com`,
        name: `Load Trial ${number}`,
      }),
    };
  }
  const license = pick();
  return kind === 'validate'
    ? { path: '/v1/validate', body: JSON.stringify({ licenseKey: license.key }) }
    : {
        path: '/v1/activate',
        body: JSON.stringify({ licenseKey: license.key, instanceName: license.device }),
      };
}

function codeOf(body: string): string {
  try {
    return String((JSON.parse(body) as { code?: unknown }).code ?? '');
  } catch {
    return 'non-JSON';
  }
}
