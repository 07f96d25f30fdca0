import { expect } from 'vitest';
import { type Model, SEATS, truthOf, type World } from '#test/helpers/model/world.ts';
import type { HttpResult } from '#test/helpers/test-stack.ts';

interface StoredSlot {
  state: string;
  instanceId?: string;
  instanceName: string;
}

function slotsOf(item: Record<string, unknown> | undefined): StoredSlot[] {
  return Object.values((item?.devices ?? {}) as Record<string, StoredSlot>);
}

/**
 * Checks an answer of POST /v1/deactivate for the device called `name` (named in the request by
 * `by`):
 * - never a 500; a 5xx only as a 503 after an injected fault;
 * - a 200 names the device, and LemonSqueezy no longer holds its instance (I3), and the slot is
 *   stored deactivated with that instance;
 * - a refusal is one the state explains: LICENSE_NOT_FOUND before any activation,
 *   INSTANCE_NOT_FOUND for a name with no activated slot, LICENSE_DISABLED/EXPIRED as stored
 *   (stored before, or learnt from LemonSqueezy's refusal to free a seat of such a key).
 */
export async function checkDeactivation(
  world: World,
  model: Model,
  name: string,
  by: 'name' | 'id',
  response: HttpResult,
): Promise<void> {
  const context = `/v1/deactivate → ${response.status} ${response.text.slice(0, 300)}`;
  const truth = truthOf(world);
  expect(response.status, context).not.toBe(500);
  if (response.status >= 500) {
    expect(model.faultArmed, `unexpected ${context}`).toBe(true);
    expect(response.status, context).toBe(503);
    return;
  }
  const item = await world.readItem();
  const slot = slotsOf(item).find((candidate) => candidate.instanceName === name);
  const code = response.body?.code as string | undefined;
  switch (response.status) {
    case 200:
      expect(response.body, context).toMatchObject({ instanceName: name, status: 'deactivated' });
      expect(
        truth.snapshot.instances.map((instance) => instance.id),
        `I3: a deactivated instance is still held at LemonSqueezy: ${context}`,
      ).not.toContain(response.body.instanceId);
      expect(slot, context).toMatchObject({
        state: 'deactivated',
        instanceId: response.body.instanceId,
      });
      expect(response.text, context).not.toContain('sk-or-v1');
      return;
    case 404:
      expect(['LICENSE_NOT_FOUND', 'INSTANCE_NOT_FOUND'], context).toContain(code);
      if (code === 'LICENSE_NOT_FOUND') expect(item?.lastActivation, context).toBeUndefined();
      if (code === 'INSTANCE_NOT_FOUND' && by === 'name') {
        expect(slot === undefined || slot.state === 'pending', context).toBe(true);
      }
      return;
    case 400:
      expect(['LICENSE_DISABLED', 'LICENSE_EXPIRED'], context).toContain(code);
      expect(item?.status, context).toBe(code === 'LICENSE_DISABLED' ? 'disabled' : 'expired');
      return;
    default:
      expect.fail(`unexpected ${context}`);
  }
}

/**
 * Checks an answer of POST /v1/devices: one read of our table, so never a 5xx even with a fault
 * armed; 404 only before any activation; otherwise exactly the devices we hold active (at most
 * the seats, I3), only this license's devices, the stored seat count, and no token or key.
 */
export async function checkDeviceList(
  world: World,
  model: Model,
  response: HttpResult,
): Promise<void> {
  const context = `/v1/devices → ${response.status} ${response.text.slice(0, 300)}`;
  const item = await world.readItem();
  if (response.status === 404) {
    expect(response.body.code, context).toBe('LICENSE_NOT_FOUND');
    expect(item?.lastActivation, context).toBeUndefined();
    return;
  }
  expect(response.status, context).toBe(200);
  expect(response.text, context).not.toContain('sk-or-v1');
  expect(response.text, context).not.toContain(world.license.key);
  if (model.trial) {
    expect(response.text, context).not.toContain(model.trial.key);
    expect(response.text, context).not.toContain(model.trial.device);
  }
  const listed = response.body.devices as Array<{
    instanceId: string;
    instanceName: string;
    status: string;
  }>;
  for (const device of listed) expect(model.devices, context).toContain(device.instanceName);
  const held = slotsOf(item)
    .filter((slot) => slot.state === 'active')
    .map((slot) => slot.instanceId)
    .sort();
  const active = listed.filter((device) => device.status === 'active');
  expect(active.map((device) => device.instanceId).sort(), context).toEqual(held);
  expect(active.length, `I3: devices listed active: ${context}`).toBeLessThanOrEqual(SEATS);
  const provider = item?.provider as { activationUsage: number } | undefined;
  expect(response.body.activation_usage, context).toBe(provider?.activationUsage);
}
