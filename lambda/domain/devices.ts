import { activeDevices, deviceSlots } from './device-slots.ts';
import type { Activation, DeviceSeen, DeviceSlot, LicenseRecord } from './license.ts';

/** What a listed device can be: holding a seat, or freed (here or at LemonSqueezy). */
export const DEVICE_STATES = ['active', 'deactivated'] as const;

/**
 * A device a license holds or held, as the device list and a deactivation report it. Built field
 * by field from its slot, so a claim or anything else stored on the slot never reaches a caller.
 */
export type ListedDevice = Activation &
  DeviceSeen &
  ({ state: 'active' } | { state: 'deactivated'; deactivatedAt: string });

/** A license and its devices (POST /v1/devices). */
export interface LicenseDevices {
  license: LicenseRecord;
  devices: ListedDevice[];
}

/** A device whose seat is free, and its license as stored after (POST /v1/deactivate). */
export interface DeviceDeactivation {
  license: LicenseRecord;
  device: Extract<ListedDevice, { state: 'deactivated' }>;
}

/** The slot as a listed device; undefined for a slot whose activation is still under way. */
export function listedDevice(slot: DeviceSlot): ListedDevice | undefined {
  if (slot.state === 'pending') return undefined;
  const device: Activation & DeviceSeen = {
    instanceId: slot.instanceId,
    instanceName: slot.instanceName,
    activatedAt: slot.activatedAt,
    ...(slot.lastSeenAt === undefined ? {} : { lastSeenAt: slot.lastSeenAt }),
  };
  return slot.state === 'active'
    ? { ...device, state: 'active' }
    : { ...device, state: 'deactivated', deactivatedAt: slot.deactivatedAt };
}

/** Every activated device of the license: active ones first, each group newest first. */
export function listedDevices(license: LicenseRecord): ListedDevice[] {
  const devices: ListedDevice[] = [];
  for (const slot of deviceSlots(license)) {
    const device = listedDevice(slot);
    if (device) devices.push(device);
  }
  const rank = (device: ListedDevice) => (device.state === 'active' ? 0 : 1);
  return devices.sort((a, b) => rank(a) - rank(b) || b.activatedAt.localeCompare(a.activatedAt));
}

/**
 * The key's seats as the API reports them: LemonSqueezy's limit and usage as last stored; a trial
 * has one seat, used by its device (the same figures the license body carries).
 */
export function seatsOf(license: LicenseRecord): { limit: number | null; usage: number } {
  return {
    limit: license.provider?.activationLimit ?? (license.kind === 'trial' ? 1 : null),
    usage: license.provider?.activationUsage ?? activeDevices(license).length,
  };
}
