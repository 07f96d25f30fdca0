import { createHash } from 'node:crypto';
import type { Activation, DeviceSlot, LicenseRecord } from './license.ts';

/**
 * Reading a license's device slots: where a device's slot is stored, which devices are active or
 * deactivated, and which one a request speaks for.
 */

/**
 * The map key a device's slot is stored under: a hash of its name, so no client-chosen string
 * (`__proto__`, `constructor`, a 256-character label) ever becomes an object key (I7).
 */
export function deviceSlotKey(instanceName: string): string {
  return `d${createHash('sha256').update(instanceName, 'utf8').digest('hex').slice(0, 32)}`;
}

/** The slot of the device named `instanceName`, if the license has one. */
export function slotOf(license: LicenseRecord, instanceName: string): DeviceSlot | undefined {
  const key = deviceSlotKey(instanceName);
  return Object.hasOwn(license.devices, key) ? license.devices[key] : undefined;
}

/** Every slot of the license (own properties only, whatever the stored keys). */
export function deviceSlots(license: LicenseRecord): DeviceSlot[] {
  return Object.keys(license.devices).map((key) => license.devices[key] as DeviceSlot);
}

/** The devices of a license in `state` (active, or deactivated at LemonSqueezy), newest first. */
export function devicesIn(
  license: LicenseRecord,
  state: 'active' | 'deactivated' = 'active',
): Activation[] {
  const devices: Activation[] = [];
  for (const slot of deviceSlots(license)) {
    if (slot.state === state) {
      devices.push({
        instanceId: slot.instanceId,
        instanceName: slot.instanceName,
        activatedAt: slot.activatedAt,
      });
    }
  }
  return devices.sort((a, b) => b.activatedAt.localeCompare(a.activatedAt));
}

/** The active devices of a license, newest first. */
export function activeDevices(license: LicenseRecord): Activation[] {
  return devicesIn(license, 'active');
}

/** What a request may name a device by; a request naming nothing names every device. */
export interface DeviceWanted {
  instanceName?: string | undefined;
  instanceId?: string | undefined;
}

export function isDeviceWanted(device: Activation, wanted: DeviceWanted): boolean {
  return (
    (wanted.instanceName === undefined || device.instanceName === wanted.instanceName) &&
    (wanted.instanceId === undefined || device.instanceId === wanted.instanceId)
  );
}

/**
 * The device a request speaks for: the one named, or, for a request naming none, the most recent
 * activation. A request naming none says nothing about which device called: use that device for
 * what the answer must carry (the body's `instanceId`), never to credit it with being seen.
 */
export function pickDevice(license: LicenseRecord, wanted: DeviceWanted): Activation | undefined {
  const devices = activeDevices(license);
  if (wanted.instanceName === undefined && wanted.instanceId === undefined) {
    const last = license.lastActivation;
    return devices.find((device) => device.instanceId === last?.instanceId) ?? devices[0];
  }
  return devices.find((device) => isDeviceWanted(device, wanted));
}
