import { randomUUID } from 'node:crypto';
import { rotateKeySet, serializeKeySet } from '#adapters/signing/key-rotation.ts';
import { parseKeySet } from '#adapters/signing/key-set.ts';
import { licenseBody, signedLicenseBody } from '#http/license-body.ts';
import { type ApiHandler, jsonRoute, runRoute } from '#http/run-route.ts';
import { jsonEvent } from '#local/api-event.ts';
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { validateRequestSchema } from '#schemas/validate.ts';
import { validateLicense } from '#services/validate-license.ts';
import { type BenchLicense, seedActivatedLicenses } from './seed.ts';
import { startBenchStack } from './stack.ts';
import { median, ms, summarize } from './stats.ts';

/**
 * `pnpm bench:lease`: what the signed lease adds to a validate.
 *
 * 1. The write step alone, in-process: `licenseBody` (the body as before) against
 *    `signedLicenseBody` (the body, the claims, one Ed25519 signature, base64url) on the same
 *    grant, timed in batches of 100 calls, median per call over BENCH_LEASE_BATCHES batches.
 * 2. A warm validate through the handler on DynamoDB Local, signing on (the shipped route) and
 *    off (the same route writing `licenseBody`), in back-to-back pairs of the same license.
 */
const batches = Number(process.env.BENCH_LEASE_BATCHES ?? 400);
const rounds = Number(process.env.BENCH_LEASE_ROUNDS ?? 6);
const perRound = Number(process.env.BENCH_LEASE_PER_ROUND ?? 300);
const BATCH = 100;

const dynamo = await startDynamoDbLocal();
const stack = await startBenchStack(dynamo.endpoint);
try {
  const licenses = await seedActivatedLicenses(stack, 50);
  const deps = stack.deps;
  const keys = await deps.signingKeys.current();

  // 1. The write step: one real grant, as validate hands it to the writer.
  const first = licenses[0] as BenchLicense;
  const served = await validateLicense(deps, {
    licenseKey: first.key,
    caller: { ip: '127.0.0.1' },
  });
  if (!served.ok) throw new Error(`validate refused: ${served.code}`);
  const grant = served.value;
  const now = new Date();
  const perCall = (write: () => unknown) => {
    const samples: number[] = [];
    for (let batch = 0; batch < batches; batch += 1) {
      const started = performance.now();
      for (let call = 0; call < BATCH; call += 1) write();
      samples.push((performance.now() - started) / BATCH);
    }
    return samples;
  };
  // Warm-up, then alternate the two so both see the same JIT state and machine load.
  perCall(() => signedLicenseBody(keys, grant, now, 'nonce-1'));
  const plain: number[] = [];
  const signed: number[] = [];
  for (let part = 0; part < 4; part += 1) {
    plain.push(...perCall(() => licenseBody(grant)));
    signed.push(...perCall(() => signedLicenseBody(keys, grant, now, 'nonce-1')));
  }
  // A key set parsed cold (what a cold start, or a new parameter value, pays once).
  const rawSet = serializeKeySet(rotateKeySet(rotateKeySet(undefined, now), now));
  const parse = Array.from({ length: 200 }, () => {
    const started = performance.now();
    parseKeySet(rawSet);
    return performance.now() - started;
  });
  const leaseBytes = signedLicenseBody(keys, grant, now, 'nonce-1').lease.length;

  // 2. The whole validate, signing on and off.
  const on = stack.validate;
  const off: ApiHandler = runRoute(
    deps.logger,
    jsonRoute(
      validateRequestSchema,
      (input) => validateLicense(deps, input),
      (grant) => licenseBody(grant, deps.clock.now()),
    ),
  );
  let cursor = 0;
  const once = async (handler: ApiHandler, license: BenchLicense) => {
    const event = jsonEvent('/v1/validate', { licenseKey: license.key });
    const started = performance.now();
    const result = await handler(event, { awsRequestId: randomUUID() });
    const took = performance.now() - started;
    if (typeof result !== 'string' && result.statusCode !== 200) {
      throw new Error(`validate answered ${result.statusCode}`);
    }
    return took;
  };
  // Pairs: each license validated with signing on and off back to back, the order alternating,
  // so the machine's drift (DynamoDB Local's GC, other load) hits both alike; the median of the
  // paired differences is the cost the lease adds to a validate.
  const withLease: number[] = [];
  const withoutLease: number[] = [];
  const pairDeltas: number[] = [];
  const roundDeltas: number[] = [];
  for (let round = 0; round <= rounds; round += 1) {
    const deltas: number[] = [];
    for (let index = 0; index < perRound; index += 1) {
      const license = licenses[cursor++ % licenses.length] as BenchLicense;
      const onFirst = index % 2 === 0;
      const a = await once(onFirst ? on : off, license);
      const b = await once(onFirst ? off : on, license);
      const [signedMs, plainMs] = onFirst ? [a, b] : [b, a];
      // Round 0 only warms up (JIT, connections, caches).
      if (round === 0) continue;
      withLease.push(signedMs);
      withoutLease.push(plainMs);
      deltas.push(signedMs - plainMs);
    }
    if (round > 0) {
      pairDeltas.push(...deltas);
      roundDeltas.push(median(deltas));
    }
  }

  const plainP50 = median(plain);
  const signedP50 = median(signed);
  const onSummary = summarize(withLease);
  const offSummary = summarize(withoutLease);
  const lines = [
    `Lease signing cost (${batches * 4} batches of ${BATCH} calls per writer; ${rounds} rounds of ${perRound} validate pairs)`,
    '',
    `write step, per call (median):   licenseBody ${(plainP50 * 1000).toFixed(1)} µs   signedLicenseBody ${(signedP50 * 1000).toFixed(1)} µs   lease adds ${((signedP50 - plainP50) * 1000).toFixed(1)} µs`,
    `lease size:                      ${leaseBytes} bytes (${Math.round((leaseBytes * 3) / 4)} bytes of header + claims + signature)`,
    `key set parse (2 keys, cold):    median ${(median(parse) * 1000).toFixed(0)} µs, once per cold start or new value`,
    '',
    'validate through the handler on DynamoDB Local (ms):',
    `  signing on   p50 ${ms(onSummary.p50)}  p95 ${ms(onSummary.p95)}  p99 ${ms(onSummary.p99)}`,
    `  signing off  p50 ${ms(offSummary.p50)}  p95 ${ms(offSummary.p95)}  p99 ${ms(offSummary.p99)}`,
    `  p50 on - p50 off ${ms(onSummary.p50 - offSummary.p50)} ms; median of paired differences ${(median(pairDeltas) * 1000).toFixed(0)} µs (per round: ${roundDeltas.map((delta) => (delta * 1000).toFixed(0)).join(', ')} µs)`,
  ];
  console.log(lines.join('\n'));
} finally {
  await stack.close();
  await dynamo.stop();
}
