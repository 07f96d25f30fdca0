import {
  type DeviceDeactivation,
  type LicenseDevices,
  type ListedDevice,
  seatsOf,
} from '#domain/devices.ts';
import type { LicenseRecord } from '#domain/license.ts';
import type {
  DeactivateResponse,
  DeviceResponse,
  DevicesResponse,
} from '#schemas/device-response.ts';
import { wireTime } from './messages.ts';

/** The one translation of a device to the wire (device list entries, the deactivate body). */
export function deviceBody(device: ListedDevice): DeviceResponse {
  return {
    instanceId: device.instanceId,
    instanceName: device.instanceName,
    status: device.state,
    activated_at: wireTime(device.activatedAt),
    last_seen_at: device.lastSeenAt === undefined ? null : wireTime(device.lastSeenAt),
    deactivated_at: device.state === 'deactivated' ? wireTime(device.deactivatedAt) : null,
  };
}

/** POST /v1/deactivate: the freed device and the key's seats after. */
export function deactivationBody({ license, device }: DeviceDeactivation): DeactivateResponse {
  return { ...deviceBody(device), ...seatsBody(license) };
}

/** POST /v1/devices: the license's devices and its seats. */
export function devicesBody({ license, devices }: LicenseDevices): DevicesResponse {
  const seen = license.licenseSeenAt;
  return {
    devices: devices.map(deviceBody),
    ...seatsBody(license),
    license_last_seen_at: seen === undefined ? null : wireTime(seen),
  };
}

function seatsBody(license: LicenseRecord) {
  const seats = seatsOf(license);
  return { activation_limit: seats.limit, activation_usage: seats.usage };
}
