import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, it } from 'vitest';
import { localDocumentClient } from '#test/helpers/local-documents.ts';
import { runSequence } from '#test/helpers/model/sequence.ts';
import { AdvanceClock, Validate } from '#test/helpers/model/steps-client.ts';
import { ActivateNew } from '#test/helpers/model/steps-devices.ts';
import { Crash } from '#test/helpers/model/steps-faults.ts';
import { TransientNotFound } from '#test/helpers/model/steps-refusals.ts';
import {
  ChangeSubscription,
  DeactivateAtLemonSqueezy,
} from '#test/helpers/model/steps-upstream.ts';
import { SERVICE_RATE_LIMITS, useTestStack } from '#test/helpers/test-stack.ts';

/**
 * Counterexamples the model-based test (model.test.ts) once found, replayed step by step with
 * the same checks after every step, so each stays fixed whatever seed the random run uses.
 */
describe('model regressions: sequences the random run once failed', () => {
  const stack = useTestStack(
    {
      LOG_LEVEL: process.env.REPLAY_LOG ?? 'WARN',
      UPSTREAM_TIMEOUT_MS: '2000',
      ...SERVICE_RATE_LIMITS,
    },
    { faults: true },
  );
  let documents: DynamoDBDocumentClient;
  let sequence = 0;

  beforeAll(() => {
    documents = localDocumentClient();
  });

  // Seed 4242, sequence 317 of 500. The move spent the license's share, so the webhook telling of
  // the seat freed behind our back met a tie it could not settle (429: LemonSqueezy delivers it
  // again). The validate that followed served the key on the facts we had; a day on, the refresh
  // found the last seat gone and disabled the key. The service was right; the model held that
  // token promised. It no longer promises a token served before such news reaches us.
  it.each([false, true])(
    'a seat freed behind our back, then a transient 404 (in trouble: %s)',
    async (trouble) => {
      sequence += 1;
      if (trouble) stack.deps.upstreamTrouble.noteFailure(new Error('earlier'), stack.clock.now());
      await runSequence(stack, documents, sequence, false, [
        new ActivateNew(),
        new ActivateNew(),
        new AdvanceClock('minutes', 1),
        new ActivateNew(true),
        new DeactivateAtLemonSqueezy(5),
        new Validate(0, false),
        new TransientNotFound(1, 1, 1, false, false),
      ]);
    },
  );

  // Seed 4242, sequence 416 of 500 (after the fix above).
  it('a move whose instance died after its 5th write, a validate, then a renewal', async () => {
    sequence += 1;
    await runSequence(stack, documents, sequence, false, [
      new Crash(5, new ActivateNew(true)),
      new Validate(0, false),
      new ChangeSubscription('renew', 'deliver'),
    ]);
  });
});
