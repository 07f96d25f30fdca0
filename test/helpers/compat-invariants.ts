import { expect } from 'vitest';
import { fromItem } from '#adapters/dynamodb/license-item.ts';
import type { LicenseRecord } from '#domain/license.ts';
import { checkLicense } from '#domain/license-rules.ts';
import type { CompatFixture } from '#test/compat/story/fixture-format.ts';
import type { Item } from '#test/helpers/compat-items.ts';
import type { TestStack } from '#test/helpers/test-stack.ts';

/**
 * What must hold of a fixture's table after today's code worked on it:
 * - seats: a LemonSqueezy license's active slots are exactly its instances there, and the stored
 *   count says so, within the limit;
 * - credit: each ended period of a license is recorded once, never the current one, and names a
 *   key of that period; no period has more than one working key;
 * - keys: every working OpenRouter key of this deployment is the current key of a license that
 *   may be used now, and the record does not call it disabled.
 */
export async function expectFixtureInvariants(stack: TestStack, fixture: CompatFixture) {
  const items = await stack.items();
  const licenses = items.filter((item) => item.sk === 'LICENSE').map(licenseOf);
  const now = stack.clock.now();
  for (const { seeded } of fixture.lemonSqueezy) {
    const license = licenses.find((candidate) => candidate.provider?.licenseId === seeded.id);
    const truth = stack.lemonSqueezy.snapshot(seeded.key);
    const active = Object.values(license?.devices ?? {}).flatMap((slot) =>
      slot.state === 'active' ? [slot.instanceId] : [],
    );
    expect(active.sort(), `seats of license ${seeded.id}`).toEqual(
      truth.instances.map((instance) => instance.id).sort(),
    );
    expect(license?.provider?.activationUsage).toBe(active.length);
    expect(active.length).toBeLessThanOrEqual(truth.activationLimit ?? Number.POSITIVE_INFINITY);
  }
  const keys = stack.openRouter.keys();
  for (const license of licenses) {
    const periods = items
      .filter((item) => item.pk === `LICENSE#${license.licenseHash}`)
      .filter((item) => String(item.sk).startsWith('CREDIT#'));
    for (const period of periods) {
      const end = String(period.sk).slice('CREDIT#'.length);
      expect((period.key as { periodEnd?: string }).periodEnd).toBe(end);
      expect(end, 'an ended period, not the current one').not.toBe(license.ai?.periodEnd);
    }
    const working = keys.filter((key) => key.name.includes(license.licenseHash));
    const live = working.filter((key) => !key.disabled && !key.deleted);
    const livePeriods = live.map((key) => key.expiresAt);
    expect(new Set(livePeriods).size, 'one working key per period').toBe(livePeriods.length);
  }
  for (const key of keys.filter((candidate) => !candidate.disabled && !candidate.deleted)) {
    if (!key.name.includes(fixture.deploymentId)) continue;
    const owner = licenses.find((license) => license.ai?.hash === key.hash);
    expect(owner, `working key ${key.hash.slice(0, 12)} belongs to a license`).toBeDefined();
    if (!owner) continue;
    expect(owner.ai?.disabledAt).toBeUndefined();
    expect(checkLicense(owner, now, 'validate').ok).toBe(true);
  }
}

function licenseOf(item: Item): LicenseRecord {
  const record = fromItem(item);
  if (!record) throw new Error('no license in the item');
  return record;
}
