import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { localDocumentClient } from '#test/helpers/local-documents.ts';
import { modelCommands } from '#test/helpers/model/commands.ts';
import { runSequence } from '#test/helpers/model/sequence.ts';
import { SERVICE_RATE_LIMITS, useTestStack } from '#test/helpers/test-stack.ts';

/**
 * Model-based test of the integrity invariants (docs/design.md, "Invariants"): fast-check generates
 * random sequences of activations and validates on three devices (two of them named `__proto__`
 * and `constructor`) and on new machines (what the device-change limit counts), deactivations
 * through us, device lists, the sweep that frees idle devices' seats, operators revoking,
 * enabling and rotating the AI key (admin API), a trial, seats freed at
 * LemonSqueezy behind our back, license and subscription changes (subscriptions starting in a
 * free trial or paid; renewals with their payment, free and void pauses) whose webhooks are
 * delivered, dropped, duplicated or delayed and reordered, a full refund, a refunded payment, spending on the live key, clock jumps (minutes to past the period
 * end), an upstream failing on its next call, DynamoDB faults on the next step's writes (throttling,
 * 500s, conflicts, answers lost after the commit), crashes of the instance serving a request
 * right after one of its writes (simulated in-process: test/helpers/model/crash.ts), reaper runs
 * and the sweep (reaper and reconciler past the activation lease). They run against the real
 * handlers on DynamoDB Local with the sandbox doubles, and after every step I1–I4 are checked
 * against the doubles' ground truth (test/helpers/model/world.ts), with the served tokens and a
 * disabled license's keys (key-checks.ts; after the sweep, every seat LemonSqueezy holds is
 * recorded here), and the device rules where
 * they apply (test/helpers/model/device-checks.ts: the device-change limit, heartbeats, what the
 * sweep may free). A failure prints the seed and
 * the shrunk sequence; `pnpm test:model -- --runs N --seed S` runs longer or replays one.
 */
const RUNS = Number(process.env.MODEL_RUNS ?? 250);
const SEED = Number(process.env.MODEL_SEED ?? 20261123);
/** A counterexample's `path` (printed with its seed) replays just that sequence. */
const PATH = process.env.MODEL_PATH;

describe('model: random sequences of operations, upstream changes and faults', () => {
  // Logs at WARN: thousands of requests, and the per-file secret check reads every line.
  // At the service's default rate limits: each sequence is a client of its own address.
  // The service's DynamoDB requests go through the fault proxy (DynamoDB faults and crashes).
  const stack = useTestStack(
    { LOG_LEVEL: 'WARN', UPSTREAM_TIMEOUT_MS: '2000', ...SERVICE_RATE_LIMITS },
    { faults: true },
  );
  let documents: DynamoDBDocumentClient;

  beforeAll(() => {
    documents = localDocumentClient();
  });

  it(
    `keeps the invariants after every step of ${RUNS} sequences of up to 40 steps (seed ${SEED})`,
    async () => {
      let sequences = 0;
      let steps = 0;
      await fc.assert(
        // Some sequences' subscriptions start in LemonSqueezy's free trial (`on_trial`, unpaid):
        // its period has the trial credit until a payment (`renew`) opens a paid one.
        fc.asyncProperty(fc.boolean(), modelCommands, async (onTrial, commands) => {
          sequences += 1;
          steps += [...commands].length;
          await runSequence(stack, documents, sequences, onTrial, commands);
        }),
        { numRuns: RUNS, seed: SEED, ...(PATH ? { path: PATH } : {}) },
      );
      // A replay (`PATH`) runs one sequence; a full run all of them, several steps each.
      expect(sequences).toBeGreaterThanOrEqual(PATH ? 1 : RUNS);
      expect(steps).toBeGreaterThan(PATH ? 0 : RUNS);
    },
    60 * 60 * 1000,
  );
});
