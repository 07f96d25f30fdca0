import { expect } from 'vitest';
import { DEVICE_CHANGE_WINDOW_MS, HEARTBEAT_INTERVAL_MS } from '#domain/license-rules.ts';
import { failedAsArmed } from '#test/helpers/model/fault-answers.ts';
import { checkShareRefusal } from '#test/helpers/model/license-share.ts';
import { type Model, SEATS, truthOf, type World } from '#test/helpers/model/world.ts';
import type { HttpResult } from '#test/helpers/test-stack.ts';

interface StoredSlot {
  state: string;
  instanceId?: string;
  instanceName: string;
  activatedAt?: string;
  lastSeenAt?: string;
}

/** Device changes the model's plan allows in 30 days beyond its seats (config: default 3). */
export const DEVICE_CHANGES = 3;

function slotsOf(item: Record<string, unknown> | undefined): StoredSlot[] {
  return Object.values((item?.devices ?? {}) as Record<string, StoredSlot>);
}

/**
 * Checks an answer of POST /v1/deactivate for the device called `name` (named in the request by
 * `by`):
 * - never a 500; a 5xx only as a 503 after an injected fault, no answer only from a crash;
 * - a 200 names the device, and LemonSqueezy no longer holds its instance (I3), and the slot is
 *   stored deactivated with that instance;
 * - a 429 is a limit's: the license's device changes, its share of LemonSqueezy calls once the
 *   model counts it spent (license-share.ts), or unknown keys before any activation;
 * - a refusal is one the state explains: LICENSE_NOT_FOUND before any activation,
 *   INSTANCE_NOT_FOUND for a name with no activated slot, LICENSE_DISABLED/EXPIRED as stored
 *   (stored before, or learnt from LemonSqueezy's refusal to free a seat of such a key), or
 *   LICENSE_DISABLED for a refunded order.
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
  if (failedAsArmed(model, response, context)) return;
  if (checkShareRefusal(world, model, response, context)) return;
  const item = await world.readItem();
  const slot = slotsOf(item).find((candidate) => candidate.instanceName === name);
  const code = response.body?.code as string | undefined;
  switch (response.status) {
    case 429:
      expect(code, context).toBe('RATE_LIMITED');
      // A deactivation is a device change (the license's `activate` limit); naming a license
      // never activated here counts against the caller's unknown-key limit instead.
      if (response.headers?.['ratelimit-policy']?.startsWith('"activate"')) return;
      expect(item?.lastActivation, context).toBeUndefined();
      return;
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
      // A refunded order reads as disabled whatever the key's status (checkLicense's order).
      if (code === 'LICENSE_EXPIRED') expect(item?.status, context).toBe('expired');
      else
        expect(item?.status === 'disabled' || item?.refundedAt !== undefined, context).toBe(true);
      return;
    default:
      expect.fail(`unexpected ${context}`);
  }
}

/**
 * Checks an answer of POST /v1/devices: one read of our table, so never a 5xx with an upstream
 * fault armed (a 503 with a code after a DynamoDB fault); 404 only before any activation; otherwise exactly the devices we hold active (at most
 * the seats, I3), only this license's devices, the stored seat count, and no token or key.
 */
export async function checkDeviceList(
  world: World,
  model: Model,
  response: HttpResult,
): Promise<void> {
  const context = `/v1/devices → ${response.status} ${response.text.slice(0, 300)}`;
  // Only a DynamoDB fault (or a crash) can fail its one read.
  if ((model.dbFault || response.status === 0) && failedAsArmed(model, response, context)) return;
  const item = await world.readItem();
  // Listing a license never activated counts against the caller's limit on unknown keys.
  if (response.status === 429 && response.body.code === 'RATE_LIMITED') {
    expect(item?.lastActivation, context).toBeUndefined();
    return;
  }
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

/** Whether the stored license knows the device `name` (a slot other than one under way). */
export async function knowsDevice(world: World, name: string): Promise<boolean> {
  return slotsOf(await world.readItem()).some(
    (slot) => slot.instanceName === name && slot.state !== 'pending',
  );
}

/**
 * Checks an activation's answer against the device-change limit: a device the license did not
 * know (`knownBefore` false) that got a seat is counted, and in no 30 days do more than
 * `SEATS + DEVICE_CHANGES` such devices get one; a 429 is only ever DEVICE_CHANGE_LIMIT, for a
 * device the license did not know, with `Retry-After` and a `retry_at` within the window.
 */
export function checkDeviceChange(
  world: World,
  model: Model,
  name: string,
  knownBefore: boolean,
  response: HttpResult,
): void {
  const context = `/v1/activate → ${response.status} ${response.text.slice(0, 300)}`;
  const now = world.stack.clock.now().getTime();
  if (response.status === 429 && response.body.code === 'RATE_LIMITED') return;
  if (response.status === 429) {
    expect(response.body.code, context).toBe('DEVICE_CHANGE_LIMIT');
    expect(knownBefore, `a known device was counted as a change: ${context}`).toBe(false);
    expect(Number(response.headers?.['retry-after']), context).toBeGreaterThan(0);
    const retryAt = Date.parse(response.body.retry_at);
    expect(retryAt > now && retryAt <= now + DEVICE_CHANGE_WINDOW_MS, context).toBe(true);
    return;
  }
  if (response.status !== 200 || knownBefore) return;
  model.newSeats.push({ name, at: now });
  const recent = model.newSeats.filter((seat) => seat.at > now - DEVICE_CHANGE_WINDOW_MS);
  expect(
    recent.length,
    `more new devices in 30 days than seats + changes: ${recent.map((seat) => seat.name)}`,
  ).toBeLessThanOrEqual(SEATS + DEVICE_CHANGES);
}

/**
 * Checks the heartbeat after a validate that named an active device: its recorded sighting (or,
 * before the first, its activation) is less than a day old, so a device in use never looks idle
 * to the auto-release sweep.
 */
export async function checkHeartbeat(
  world: World,
  instanceId: string,
  response: HttpResult,
): Promise<void> {
  if (response.status !== 200 || response.body.status !== 'active') return;
  const slot = slotsOf(await world.readItem()).find(
    (candidate) => candidate.instanceId === instanceId && candidate.state === 'active',
  );
  if (!slot) return;
  const seen = Date.parse(slot.lastSeenAt ?? slot.activatedAt ?? '');
  expect(
    world.stack.clock.now().getTime() - seen,
    `heartbeat: a device that just validated was last seen at ${slot.lastSeenAt}`,
  ).toBeLessThan(HEARTBEAT_INTERVAL_MS);
}

/**
 * Checks the heartbeat after a validate that named no device (the shipped client's): the license's
 * sighting (or, before the first, its last activation) is less than a day old, so no device of a
 * license in use looks idle to the sweep; and no device was credited with the call (`before`: the
 * item read before it).
 */
export async function checkLicenseHeartbeat(
  world: World,
  before: Record<string, unknown> | undefined,
  response: HttpResult,
): Promise<void> {
  const after = await world.readItem();
  for (const slot of slotsOf(after)) {
    const was = slotsOf(before).find((candidate) => candidate.instanceId === slot.instanceId);
    expect(slot.lastSeenAt, 'a validate naming no device credited a device').toBe(was?.lastSeenAt);
  }
  if (response.status !== 200 || response.body.status !== 'active') return;
  const last = after?.lastActivation as { activatedAt?: string } | undefined;
  const seenAt = (after?.licenseSeenAt as string | undefined) ?? last?.activatedAt ?? '';
  expect(
    world.stack.clock.now().getTime() - Date.parse(seenAt),
    `heartbeat: a license that just validated was last seen at ${seenAt}`,
  ).toBeLessThan(HEARTBEAT_INTERVAL_MS);
}

/**
 * Checks an auto-release run (`before`: the item read before it): every device it moved from
 * active to deactivated had gone unseen for `releaseAfterMs`, named or through the license (a
 * validate naming no device may come from any of them), and LemonSqueezy no longer holds its
 * instance (I3).
 */
export async function checkRelease(
  world: World,
  before: Record<string, unknown> | undefined,
  releaseAfterMs: number,
): Promise<void> {
  const now = world.stack.clock.now().getTime();
  const held = truthOf(world).snapshot.instances.map((instance) => instance.id);
  const after = slotsOf(await world.readItem());
  const licenseSeen = before?.licenseSeenAt as string | undefined;
  for (const was of slotsOf(before)) {
    if (was.state !== 'active') continue;
    const slot = after.find((candidate) => candidate.instanceName === was.instanceName);
    if (slot?.state !== 'deactivated' || slot.instanceId !== was.instanceId) continue;
    const seen = Date.parse(was.lastSeenAt ?? was.activatedAt ?? '');
    expect(now - seen, `released a device seen at ${new Date(seen).toISOString()}`).toBeGreaterThan(
      releaseAfterMs,
    );
    if (licenseSeen) {
      expect(
        now - Date.parse(licenseSeen),
        `released a device of a license seen at ${licenseSeen}`,
      ).toBeGreaterThan(releaseAfterMs);
    }
    expect(held, 'I3: a released device is still held at LemonSqueezy').not.toContain(
      was.instanceId,
    );
  }
}
