import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { LICENSE_ITEM } from '#adapters/dynamodb/license-item.ts';
import { licenseHashOf } from '#domain/license.ts';
import {
  adminTrialClaimFrom,
  auditRecordsFrom,
  eventClaimFrom,
  idempotencyRecordFrom,
  licenseFromItem,
  orderLicensesFrom,
  rateCountFrom,
  rememberedRefusalFrom,
  subscriptionLicenseFrom,
  sweepStartFrom,
  trialClaimFrom,
} from '#test/compat/previous-release/item-readers.ts';
import { previousLicenseRecord } from '#test/compat/previous-release/license-record.ts';
import { scanTable } from '#test/compat/story/fixture-format.ts';
import { runStory } from '#test/compat/story/story.ts';
import { startStoryStack } from '#test/compat/story/story-stack.ts';
import {
  fieldsNewerThan,
  type Item,
  kindOf,
  pathsByKind,
  readFixture,
} from '#test/helpers/compat-items.ts';
import { useFixture } from '#test/helpers/fixture.ts';
import { rememberDoubles, rememberSecretsOf } from '#test/helpers/secret-registry.ts';

/**
 * Reverse compatibility: what today's code writes in the compatibility story, read by the
 * previous release's readers (a frozen copy, test/compat/previous-release/), and compared with
 * what that release itself wrote in the same story (the fixture). After a rollback, or during a
 * canary, the previous release serves exactly these items.
 */
const fixture = readFixture('release/stop-29');
const previous = fixture.ref;

async function runTodaysStory() {
  const endpoint = inject('dynamoDbEndpoint');
  const tableName = `compat-${randomUUID()}`;
  const stack = await startStoryStack({ dynamoDbEndpoint: endpoint, tableName });
  rememberDoubles(stack);
  try {
    const { handles } = await runStory(stack);
    rememberSecretsOf({ licenseKey: handles.trial.key });
    return { handles, now: stack.clock.now(), items: await scanTable(endpoint, tableName) };
  } finally {
    await stack.close();
  }
}

describe(`${previous}'s readers on the items today's code writes`, () => {
  const today = useFixture('all', runTodaysStory, () => undefined).current;
  const ofKind = (kind: string) => today.items.filter((item) => kindOf(item).kind === kind);
  const hashOf = (key: string) => licenseHashOf(key);

  it(`writes every kind and attribute path ${previous} wrote in the same story, and only declared fields besides`, () => {
    // Prepare
    const before = pathsByKind(fixture.items);
    const now = pathsByKind(today.items);

    // Act
    const differences = [...before].map(([kind, paths]) => {
      const shape = kindOf(fixture.items.find((item) => kindOf(item).kind === kind) as Item).shape;
      const added = fieldsNewerThan(shape, 0);
      const declared = (path: string) =>
        added.some((field) => path === field || path.startsWith(`${field}.`));
      const written = now.get(kind) ?? new Set<string>();
      return {
        kind,
        missing: [...paths].filter((path) => !written.has(path)),
        undeclared: [...written].filter((path) => !paths.has(path) && !declared(path)),
      };
    });

    // Assess
    expect(differences).toEqual(
      [...before.keys()].map((kind) => ({ kind, missing: [], undeclared: [] })),
    );
    expect([...now.keys()].sort()).toEqual([...before.keys()].sort());
  });

  it('stamps every item with the version of its kind', () => {
    const unstamped = today.items.filter(
      (item) => item.schemaVersion !== kindOf(item).shape.version,
    );
    expect(unstamped.map((item) => `${item.pk}/${item.sk}`)).toEqual([]);
  });

  it(`gives ${previous}'s license reader the records it types, with today's values`, () => {
    // Prepare
    const check = previousLicenseRecord(fieldsNewerThan(LICENSE_ITEM, 0));

    // Act
    const records = ofKind('license').map((item) => licenseFromItem(item) as Item);
    const issues = records.flatMap((record) => check.safeParse(record).error?.issues ?? []);

    // Assess
    expect(issues).toEqual([]);
    const saas = records.find((record) => record.licenseHash === hashOf(today.handles.saas.key));
    const slots = Object.values(saas?.devices as Record<string, Item>);
    expect(slots.map((slot) => [slot.instanceName, slot.state]).sort()).toEqual(
      [
        [today.handles.saas.devices[0], 'active'],
        [today.handles.saas.deactivated, 'deactivated'],
      ].sort(),
    );
    expect(records.map((record) => record.status).sort()).toEqual(['active', 'active', 'active']);
  });

  it(`gives ${previous}'s other readers claims, answers, events, links, refusals, cursors, audit and counts`, () => {
    const { handles, now } = today;
    const trialHash = hashOf(handles.trial.key);
    const [deviceClaim] = ofKind('trial-claim').filter((item) =>
      String(item.pk).includes('DEVICE'),
    );
    const claims = ofKind('trial-claim').map(adminTrialClaimFrom);
    const answer = ofKind('idempotency').find((item) =>
      String(item.pk).startsWith(`IDEMPOTENCY#${handles.keyedRequest.path}#`),
    );
    const subscriptionLink = ofKind('alias').find((item) =>
      String(item.pk).includes('SUBSCRIPTION'),
    );
    const orderLinks = ofKind('alias').filter((item) => String(item.pk).includes('ORDER'));

    expect(trialClaimFrom(deviceClaim as Item)).toMatchObject({
      licenseHash: trialHash,
      trialKey: handles.trial.key,
      recoverableUntil: expect.any(String),
    });
    expect(claims.map((claim) => claim.licenseHash)).toEqual([trialHash, trialHash]);
    expect(idempotencyRecordFrom(answer, now, 'another body')).toMatchObject({
      state: 'done',
      response: { statusCode: 200, body: expect.stringContaining('"instanceName"') },
    });
    expect(ofKind('webhook-event').map(eventClaimFrom)).toEqual(handles.webhooks.map(() => 'done'));
    expect(subscriptionLicenseFrom(subscriptionLink)).toBe(hashOf(handles.saas.key));
    expect(orderLinks.flatMap(orderLicensesFrom).sort()).toEqual(
      [hashOf(handles.saas.key), hashOf(handles.byok.key)].sort(),
    );
    expect(rememberedRefusalFrom(ofKind('negative-cache')[0], now)).toEqual({
      code: 'LICENSE_NOT_FOUND',
      detail: expect.any(String),
    });
    expect(ofKind('sweep-cursor').map(sweepStartFrom)).toEqual([undefined, undefined, undefined]);
    const audit = auditRecordsFrom(ofKind('audit'), now);
    expect(audit.length).toBeGreaterThan(0);
    for (const record of audit) {
      expect(record).toMatchObject({
        id: expect.any(String),
        licenseHash: expect.any(String),
        actor: expect.any(String),
        action: expect.any(String),
        at: expect.any(String),
        before: expect.any(Object),
        after: expect.any(Object),
      });
    }
    const counters = ofKind('rate-counter');
    expect(counters.map((item) => rateCountFrom(item, 0))).toEqual(counters.map((i) => i.count));
    expect(counters.every((item) => Number(item.count) > 0)).toBe(true);
  });
});
