import { describe, expect, it } from 'vitest';
import type { Fault } from '#local/sandbox/faults.ts';
import { DEFAULT_REAP_OPTIONS, reapOrphanKeys } from '#services/reap-orphan-keys.ts';
import { COMPENSATION_CALL_POINTS } from '#test/helpers/compensation-call-points.ts';
import {
  exposedCredit,
  pendingClaims,
  SAAS_CREDIT,
  storedDevices,
  watchLogs,
} from '#test/helpers/integrity-checks.ts';
import { SECOND } from '#test/helpers/manual-clock.ts';
import { orphanKeys, useTestStack } from '#test/helpers/test-stack.ts';

/**
 * The upstream calls the fault matrix of faults.test.ts does not reach: those made only to
 * compensate (free a seat, delete a key that lost a race), to reconcile seats, to enable a key
 * again or revoke it from a webhook, and the reaper's listing. Each scenario is in
 * test/helpers/compensation-call-points.ts.
 */
const FAULTS: Array<[string, Fault]> = [
  ['HTTP 500', { kind: 'status', status: 500 }],
  ['a timeout', { kind: 'timeout' }],
  ['a connection reset', { kind: 'reset' }],
];

describe.each(COMPENSATION_CALL_POINTS)('fault at $name', (point) => {
  const stack = useTestStack({ UPSTREAM_TIMEOUT_MS: String(point.timeoutMs ?? 1000) });

  function callsTo(route: string): number {
    const double = stack[point.upstream];
    return (double.callCount as (route: string) => number).call(double, route);
  }

  it.each(FAULTS)(
    'on %s: answers with a code (or logs the given-up compensation), leaves no orphan key, no pending claim, no credit over the plan, and a retry succeeds',
    async (_label, fault) => {
      // Prepare
      const faults = stack[point.upstream].faults as {
        inject(route: string, fault: Fault, options: { times: number }): void;
      };
      const callsBefore = callsTo(point.route);
      const logs = watchLogs();

      // Act
      const scenario = await point
        .run(stack, () => faults.inject(point.route, fault, { times: point.times ?? 1 }))
        .finally(() => logs.stop());
      stack.clock.advance(DEFAULT_REAP_OPTIONS.minAgeMs + SECOND);
      await reapOrphanKeys(stack.deps);

      // Assess
      expect(callsTo(point.route)).toBeGreaterThan(callsBefore);
      expect(scenario.first).toEqual(point.expected.first);
      const given = logs.lines().filter((line) => point.logged && line.includes(point.logged));
      expect(given).toHaveLength(point.logged ? 1 : 0);
      expect(await orphanKeys(stack)).toEqual([]);
      expect(await pendingClaims(stack)).toEqual([]);
      const { licenseKey } = scenario;
      if (licenseKey) {
        expect(exposedCredit(stack, licenseKey)).toBeLessThanOrEqual(SAAS_CREDIT);
        const ours = new Set(
          (await storedDevices(stack, licenseKey))
            .filter((slot) => slot.state === 'active')
            .map((slot) => slot.instanceId),
        );
        const unknown = stack.lemonSqueezy.instances(licenseKey).filter((i) => !ours.has(i.id));
        expect(unknown).toHaveLength(point.leavesSeat ? 1 : 0);
        for (const seat of unknown) expect(given[0]).toContain(seat.id);
      }
      expect(scenario.retry).toEqual(point.expected.retry);
      expect(scenario.after).toEqual(point.expected.after);
    },
  );
});
