import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprintOf, keyHashOf } from '#http/idempotency.ts';
import { callerHashOf, trialCaller } from '#http/idempotency-scope.ts';
import { apiEvent } from '#local/api-event.ts';
import { errorBodyOf } from '#test/helpers/error-body.ts';
import { postWithKey, trialBody } from '#test/helpers/idempotent-post.ts';
import { DAY, SECOND } from '#test/helpers/manual-clock.ts';
import { useTestStack } from '#test/helpers/test-stack.ts';

/** The lifetime of an `Idempotency-Key`: these tests move the clock, so they have their own stack. */
describe('Idempotency-Key lifetime', () => {
  const stack = useTestStack();

  const send = (path: string, body: unknown, key?: string) => postWithKey(stack, path, body, key);

  it('keeps only hashes of the key and its caller, in an item with a 24 h TTL', async () => {
    // Prepare
    const key = `client-${randomUUID()}`;
    const body = trialBody();

    // Act
    await send('/v1/trial', body, key);

    // Assess: route, then two SHA-256s (the caller's, the key's); no email or device in the key.
    const keyHash = createHash('sha256').update(key).digest('hex');
    const items = await stack.items();
    const item = items.find((candidate) => String(candidate.pk).endsWith(`#${keyHash}`));
    expect(item?.pk).toMatch(new RegExp(`^IDEMPOTENCY#/v1/trial#[0-9a-f]{64}#${keyHash}$`));
    expect(String(item?.pk)).not.toContain(body.instanceName);
    expect(String(item?.pk)).not.toContain(body.email.split('@')[0]);
    expect(item).toMatchObject({ sk: 'IDEMPOTENCY', state: 'done' });
    expect(item?.ttl).toBe(Math.floor((stack.clock.now().getTime() + DAY) / 1000));
    expect(JSON.stringify(items)).not.toContain(key);
  });

  it('takes over a claim whose holder died once the activation lease has passed', async () => {
    // Prepare
    const key = randomUUID();
    const body = trialBody();
    const now = stack.clock.now();
    // A request that claimed the key and whose function then died: nothing will complete it.
    await stack.deps.idempotency.claim({
      route: '/v1/trial',
      callerHash: callerHashOf(trialCaller(stack.deps.policy)(body)),
      keyHash: keyHashOf(key),
      fingerprint: fingerprintOf(apiEvent({ path: '/v1/trial', body: JSON.stringify(body) })),
      claimId: 'dead-holder',
      now,
      staleBefore: new Date(now.getTime() - stack.deps.policy.activationLeaseMs),
      expiresAt: new Date(now.getTime() + DAY),
    });

    // Act
    const whileHeld = await send('/v1/trial', body, key);
    stack.clock.advance(stack.deps.policy.activationLeaseMs + SECOND);
    const afterLease = await send('/v1/trial', body, key);

    // Assess
    expect(whileHeld.status).toBe(409);
    expect(whileHeld.body).toEqual(
      errorBodyOf(
        'IDEMPOTENCY_IN_PROGRESS',
        'A request with this Idempotency-Key is still running; retry shortly.',
      ),
    );
    expect(afterLease.status).toBe(200);
    expect(afterLease.replayed).toBeNull();
  });

  it('runs the request anew once the 24 h have passed', async () => {
    // Prepare
    const key = randomUUID();
    const body = trialBody();
    const first = await send('/v1/trial', body, key);
    stack.clock.advance(DAY + SECOND);

    // Act
    const later = await send('/v1/trial', body, key);

    // Assess
    expect(first.status).toBe(200);
    expect(later.replayed).toBeNull();
    // It really ran: the trial of this email and device exists now, so it is refused.
    expect(later.status).toBe(403);
    expect(later.body.code).toBe('TRIAL_ALREADY_USED');
  });
});
