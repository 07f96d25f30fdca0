import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aiKeyName } from '#domain/key-name.ts';
import { DEFAULT_REAP_OPTIONS, reapOrphanKeys } from '#services/reap-orphan-keys.ts';
import { DAY, SECOND } from '#test/helpers/manual-clock.ts';
import { useTestStack } from '#test/helpers/test-stack.ts';

describe('orphan-key reaper: a walk over every key across runs', () => {
  const stack = useTestStack();

  it('goes on where the last run stopped, reaches every key, then starts over', async () => {
    // Prepare: 250 keys named for licenses that do not exist; one page (100) per run.
    const expiresAt = new Date(stack.clock.now().getTime() + 30 * DAY);
    for (let index = 0; index < 250; index += 1) {
      const name = aiKeyName(
        stack.deps.policy.deploymentId,
        randomBytes(32).toString('hex'),
        expiresAt,
      );
      await stack.deps.keys.create({ name, limitUsd: 1, expiresAt });
    }
    stack.clock.advance(DEFAULT_REAP_OPTIONS.minAgeMs + SECOND);
    const onePage = { ...DEFAULT_REAP_OPTIONS, maxPages: 1 };

    // Act
    const runs = [];
    for (let run = 0; run < 4; run += 1) runs.push(await reapOrphanKeys(stack.deps, onePage));

    // Assess
    expect(runs.map((run) => [run.deleted, run.wrapped])).toEqual([
      [100, false],
      [100, false],
      [50, true],
      [0, true],
    ]);
    expect(stack.openRouter.liveKeys()).toEqual([]);
  });

  it('walks past keys it keeps: the next run starts after them', async () => {
    // Prepare: 150 keys too young to reap (they may belong to requests in flight).
    const expiresAt = new Date(stack.clock.now().getTime() + 30 * DAY);
    for (let index = 0; index < 150; index += 1) {
      const name = aiKeyName(
        stack.deps.policy.deploymentId,
        randomBytes(32).toString('hex'),
        expiresAt,
      );
      await stack.deps.keys.create({ name, limitUsd: 1, expiresAt });
    }
    const onePage = { ...DEFAULT_REAP_OPTIONS, maxPages: 1 };

    // Act
    const first = await reapOrphanKeys(stack.deps, onePage);
    const second = await reapOrphanKeys(stack.deps, onePage);
    stack.clock.advance(DEFAULT_REAP_OPTIONS.minAgeMs + SECOND);
    const third = await reapOrphanKeys(stack.deps, onePage);
    const fourth = await reapOrphanKeys(stack.deps, onePage);

    // Assess: 100 then 50 kept (wrapped); once old enough, 100 then 50 deleted.
    expect([first, second, third, fourth].map((run) => [run.deleted, run.wrapped])).toEqual([
      [0, false],
      [0, true],
      [100, false],
      [50, true],
    ]);
    expect(stack.openRouter.liveKeys()).toEqual([]);
  });
});
