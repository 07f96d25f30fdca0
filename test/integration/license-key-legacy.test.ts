import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { licenseHashOf } from '#domain/license.ts';
import { sha256Hex } from '#domain/license-key.ts';
import { localDocumentClient } from '#test/helpers/local-documents.ts';
import { deviceId, seedLicense, type TestStack, useTestStack } from '#test/helpers/test-stack.ts';
import { deliver, eventFor, hoursLater } from '#test/helpers/webhook-events.ts';

/**
 * A license stored before canonical spellings sits under the hash of its key as it was sent
 * (docs/design.md, "License key spelling"). Neither a webhook naming it nor an activation in
 * another spelling may file a second record beside it: a second record would carry its own credit,
 * and a disable would reach the wrong one.
 */
async function fileUnderLegacyId(stack: TestStack, key: string): Promise<string> {
  const documents = localDocumentClient();
  const canonical = { pk: `LICENSE#${licenseHashOf(key)}`, sk: 'LICENSE' };
  const legacy = sha256Hex(key.trim());
  const { Item } = await documents.send(
    new GetCommand({ TableName: stack.tableName, Key: canonical, ConsistentRead: true }),
  );
  await documents.send(
    new PutCommand({
      TableName: stack.tableName,
      Item: { ...Item, pk: `LICENSE#${legacy}`, licenseHash: legacy },
    }),
  );
  await documents.send(new DeleteCommand({ TableName: stack.tableName, Key: canonical }));
  return legacy;
}

async function licenseItems(stack: TestStack) {
  return (await stack.items()).filter((item) => item.sk === 'LICENSE' && item.kind !== 'trial');
}

describe('licenses stored under the key as sent, before canonical spellings', () => {
  const stack = useTestStack();

  it('applies a license-key webhook to the old record instead of filing a second one', async () => {
    // Prepare: the double spells keys in upper case, so the old id differs from the canonical.
    const license = seedLicense(stack, 'saas');
    const first = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });
    const legacy = await fileUnderLegacyId(stack, license.key);
    const before = (await licenseItems(stack)).length;

    // Act
    const event = await deliver(
      stack,
      eventFor(stack, 'license_key_updated', license, {
        'data.attributes.status': 'disabled',
        'data.attributes.disabled': 1,
        'data.attributes.updated_at': hoursLater(stack, 1),
      }),
    );
    const validated = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect(first.status, first.text).toBe(200);
    expect(event.status).toBe(200);
    expect(await licenseItems(stack)).toHaveLength(before);
    expect((await stack.deps.store.get(legacy))?.status).toBe('disabled');
    expect([validated.status, validated.body.status]).toEqual([200, 'suspended']);
  });

  it('activates another spelling of the key on the old record (one record, one AI key)', async () => {
    // Prepare
    stack.lemonSqueezy.setKeyMatching('loose');
    const license = seedLicense(stack, 'saas', { activationLimit: 5 });
    const first = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });
    await fileUnderLegacyId(stack, license.key);
    const before = (await licenseItems(stack)).length;

    // Act
    const second = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key.toLowerCase(),
    });

    // Assess
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await licenseItems(stack)).toHaveLength(before);
    expect(second.body.ai_details?.token).toBe(first.body.ai_details?.token);
    stack.lemonSqueezy.setKeyMatching('exact');
  });
});
