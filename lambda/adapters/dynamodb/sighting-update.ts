import { deviceSlotKey } from '#domain/device-slots.ts';
import type { Sighting } from '#domain/license.ts';

/** Parts of an UpdateItem expression, merged into another write's. */
export interface UpdateParts {
  sets: string[];
  conditions: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * The SETs and conditions that record a sighting: the device's `lastSeenAt` if its slot still
 * holds that instance, the license's `licenseSeenAt` (unconditional: a sighting of the license
 * as a whole needs no slot), the key's usage figure and when it was read if the key is still the
 * current one. The conditions keep the write from touching a slot or key that changed
 * meanwhile (and a missing slot from failing the write as an invalid path).
 */
export function sightingParts(sighting: Sighting): UpdateParts {
  const parts: UpdateParts = { sets: [], conditions: [], names: {}, values: {} };
  const { device, usage } = sighting;
  if (device) {
    parts.names['#s_device'] = deviceSlotKey(device.instanceName);
    parts.names['#s_state'] = 'state';
    parts.values[':s_seen'] = sighting.at;
    parts.values[':s_active'] = 'active';
    parts.values[':s_instance'] = device.instanceId;
    parts.sets.push('devices.#s_device.lastSeenAt = :s_seen');
    parts.conditions.push(
      'devices.#s_device.#s_state = :s_active',
      'devices.#s_device.instanceId = :s_instance',
    );
  }
  if (sighting.license) {
    parts.names['#s_license_seen'] = 'licenseSeenAt';
    parts.values[':s_seen'] = sighting.at;
    parts.sets.push('#s_license_seen = :s_seen');
  }
  if (usage) {
    parts.names['#s_hash'] = 'hash';
    parts.values[':s_remaining'] = usage.limitRemaining;
    parts.values[':s_checked'] = sighting.at;
    parts.values[':s_key'] = usage.keyHash;
    parts.sets.push('ai.limitRemaining = :s_remaining', 'ai.limitCheckedAt = :s_checked');
    parts.conditions.push('ai.#s_hash = :s_key');
  }
  return parts;
}
