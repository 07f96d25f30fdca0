import { deviceSlotKey, slotOf } from '#domain/device-slots.ts';
import type { Activation, LicenseRecord, Sighting } from '#domain/license.ts';
import { LicenseKeyWrites } from './license-key-writes.ts';
import { sightingParts } from './sighting-update.ts';

/**
 * The device slots' writes on the license item: claiming a slot for an activation (and counting
 * a device change), completing or giving it back, the deactivation claim and its end, marking
 * devices LemonSqueezy no longer holds, and heartbeats. Each is one conditional UpdateItem.
 */
export class LicenseDeviceWrites extends LicenseKeyWrites {
  /**
   * Reserves the device slot of `instanceName` for `claimId`. Succeeds when the slot is free,
   * deactivated, or held by a claim older than `staleBefore` (its holder died); false when
   * someone holds it or it is active. A device the license never had also writes `newDevices`
   * (the device-change record, counted by the caller) in the same write, conditional on the
   * record's version being the one it was counted on.
   */
  async claimDevice(
    licenseHash: string,
    instanceName: string,
    claimId: string,
    claimedAt: string,
    staleBefore: string,
    newDevices?: { next: Record<string, string>; version: number },
  ): Promise<boolean> {
    const counted = newDevices
      ? {
          update: ', newDevices = :newDevices, newDevicesVersion = :nextVersion',
          condition:
            ' AND ((attribute_not_exists(newDevicesVersion) AND :version = :zero) OR ' +
            'newDevicesVersion = :version)',
          values: {
            ':newDevices': newDevices.next,
            ':version': newDevices.version,
            ':nextVersion': newDevices.version + 1,
            ':zero': 0,
          },
        }
      : { update: '', condition: '', values: {} };
    return this.conditionalUpdate(
      licenseHash,
      {
        UpdateExpression: `SET devices.#device = :pending${counted.update}`,
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(devices.#device) OR ' +
          'devices.#device.#state = :deactivated OR ' +
          `(devices.#device.#state = :pendingState AND devices.#device.claimedAt < :staleBefore))${counted.condition}`,
        ExpressionAttributeNames: { '#device': deviceSlotKey(instanceName), '#state': 'state' },
        ExpressionAttributeValues: {
          ':pending': { state: 'pending', instanceName, claimId, claimedAt },
          ':pendingState': 'pending',
          ':deactivated': 'deactivated',
          ':staleBefore': staleBefore,
          ...counted.values,
        },
      },
      (stored) => {
        const slot = slotOf(stored, instanceName);
        return slot?.state === 'pending' && slot.claimId === claimId;
      },
    ).then((record) => record !== undefined);
  }

  /** Turns our claim into an activation; undefined if the claim is no longer ours. */
  completeDevice(
    licenseHash: string,
    claimId: string,
    activation: Activation,
  ): Promise<LicenseRecord | undefined> {
    return this.conditionalUpdate(
      licenseHash,
      {
        UpdateExpression:
          'SET devices.#device = :slot, lastActivation = :activation, updatedAt = :now',
        ConditionExpression: 'devices.#device.claimId = :claimId',
        ExpressionAttributeNames: { '#device': deviceSlotKey(activation.instanceName) },
        ExpressionAttributeValues: {
          ':slot': { state: 'active', ...activation },
          ':activation': activation,
          ':now': activation.activatedAt,
          ':claimId': claimId,
        },
      },
      (stored) => holdsActivation(stored, activation),
    );
  }

  /** Gives a claim back (activation failed); a slot held by someone else is left alone. */
  async releaseDevice(
    licenseHash: string,
    instanceName: string,
    claimId: string,
    countedAsChange = false,
  ): Promise<void> {
    // The claim's device-change entry goes too, and the version moves on, so that a claim counted
    // on the record with it cannot write it back.
    const uncount = countedAsChange
      ? {
          update: ', newDevices.#device SET newDevicesVersion = newDevicesVersion + :one',
          values: { ':one': 1 },
        }
      : { update: '', values: {} };
    await this.conditionalUpdate(licenseHash, {
      UpdateExpression: `REMOVE devices.#device${uncount.update}`,
      ConditionExpression: 'devices.#device.claimId = :claimId',
      ExpressionAttributeNames: { '#device': deviceSlotKey(instanceName) },
      ExpressionAttributeValues: { ':claimId': claimId, ...uncount.values },
    });
  }

  /**
   * Reserves the active slot holding `device` for its deactivation by `claimId`. Succeeds when the
   * slot still holds that instance, is active, and carries no other deactivation claim made at or
   * after `staleBefore` (an older one's holder died); false otherwise (re-read and decide again).
   * The device stays active, and is served as such, until `completeDeactivation`. With
   * `unseenSince`, also only if neither the device nor the license (a validate naming no device,
   * which may come from any of them) has been seen since then: an idle device's release never
   * frees a device that just called in.
   */
  async claimDeactivation(
    licenseHash: string,
    device: Activation,
    claim: { claimId: string; claimedAt: string; staleBefore: string; unseenSince?: string },
  ): Promise<boolean> {
    const unseen =
      claim.unseenSince === undefined
        ? ''
        : ' AND (devices.#device.lastSeenAt < :unseenSince OR ' +
          '(attribute_not_exists(devices.#device.lastSeenAt) AND ' +
          'devices.#device.activatedAt < :unseenSince))' +
          ' AND (attribute_not_exists(licenseSeenAt) OR licenseSeenAt < :unseenSince)';
    return this.conditionalUpdate(
      licenseHash,
      {
        UpdateExpression: 'SET devices.#device.deactivation = :claim',
        ConditionExpression:
          'devices.#device.#state = :active AND devices.#device.instanceId = :instanceId AND ' +
          '(attribute_not_exists(devices.#device.deactivation) OR ' +
          `devices.#device.deactivation.claimedAt < :staleBefore)${unseen}`,
        ExpressionAttributeNames: {
          '#device': deviceSlotKey(device.instanceName),
          '#state': 'state',
        },
        ExpressionAttributeValues: {
          ':claim': { claimId: claim.claimId, claimedAt: claim.claimedAt },
          ':active': 'active',
          ':instanceId': device.instanceId,
          ':staleBefore': claim.staleBefore,
          ...(claim.unseenSince === undefined ? {} : { ':unseenSince': claim.unseenSince }),
        },
      },
      (stored) => {
        const slot = slotOf(stored, device.instanceName);
        return slot?.state === 'active' && slot.deactivation?.claimId === claim.claimId;
      },
    ).then((record) => record !== undefined);
  }

  /** Gives a deactivation claim back (LemonSqueezy failed): the device stays active. */
  async releaseDeactivation(
    licenseHash: string,
    instanceName: string,
    claimId: string,
  ): Promise<void> {
    await this.conditionalUpdate(licenseHash, {
      UpdateExpression: 'REMOVE devices.#device.deactivation',
      ConditionExpression: 'devices.#device.deactivation.claimId = :claimId',
      ExpressionAttributeNames: { '#device': deviceSlotKey(instanceName) },
      ExpressionAttributeValues: { ':claimId': claimId },
    });
  }

  /**
   * Turns our deactivation claim into a deactivated slot (its other fields kept) and frees the
   * seat in the stored count: one less, never below zero (LemonSqueezy's deactivate answer does
   * not reach us; the next status refresh stores its own count). Undefined when the claim is no
   * longer ours or the slot is no longer active (a reconciliation deactivated it meanwhile).
   */
  async completeDeactivation(
    licenseHash: string,
    instanceName: string,
    claimId: string,
    at: string,
  ): Promise<LicenseRecord | undefined> {
    const ours =
      'devices.#device.deactivation.claimId = :claimId AND devices.#device.#state = :active';
    const write = (seatCount: 'decrement' | 'keep') =>
      this.conditionalUpdate(
        licenseHash,
        {
          UpdateExpression:
            'SET devices.#device.#state = :deactivated, devices.#device.deactivatedAt = :at, ' +
            `updatedAt = :at${seatCount === 'decrement' ? ', provider.activationUsage = provider.activationUsage - :one' : ''} ` +
            'REMOVE devices.#device.deactivation',
          ConditionExpression:
            seatCount === 'decrement'
              ? `${ours} AND provider.activationUsage > :zero`
              : `${ours} AND (attribute_not_exists(provider) OR provider.activationUsage <= :zero)`,
          ExpressionAttributeNames: { '#device': deviceSlotKey(instanceName), '#state': 'state' },
          ExpressionAttributeValues: {
            ':claimId': claimId,
            ':active': 'active',
            ':deactivated': 'deactivated',
            ':at': at,
            ':zero': 0,
            ...(seatCount === 'decrement' ? { ':one': 1 } : {}),
          },
        },
        deactivatedAt,
      );
    // A retry of our own write (its answer lost) finds the slot deactivated at `at`: done.
    const deactivatedAt = (stored: LicenseRecord) => {
      const slot = slotOf(stored, instanceName);
      return slot?.state === 'deactivated' && slot.deactivatedAt === at;
    };
    // Two complementary conditions on the count: exactly one can hold while the claim is ours.
    return (await write('decrement')) ?? (await write('keep'));
  }

  /**
   * Marks devices whose LemonSqueezy instance is gone as deactivated (only if each still holds
   * that instance) and drops the deactivated slots named in `forget`. Undefined when a slot
   * changed meanwhile (re-read and decide again). `seatsInUse`, when LemonSqueezy's instance
   * list was just read, is stored as the key's activation usage.
   */
  deactivateDevices(
    licenseHash: string,
    gone: Activation[],
    at: string,
    forget: string[],
    seatsInUse?: number,
  ): Promise<LicenseRecord | undefined> {
    // DynamoDB refuses names and values an expression does not use: add them only when used.
    const names: Record<string, string> = gone.length > 0 ? { '#state': 'state' } : {};
    const values: Record<string, unknown> =
      gone.length > 0 ? { ':active': 'active', ':deactivated': 'deactivated', ':at': at } : {};
    const sets: string[] = [];
    const conditions: string[] = ['attribute_exists(pk)'];
    gone.forEach((device, index) => {
      names[`#g${index}`] = deviceSlotKey(device.instanceName);
      values[`:id${index}`] = device.instanceId;
      sets.push(
        `devices.#g${index}.#state = :deactivated`,
        `devices.#g${index}.deactivatedAt = :at`,
      );
      conditions.push(
        `devices.#g${index}.#state = :active`,
        `devices.#g${index}.instanceId = :id${index}`,
      );
    });
    if (seatsInUse !== undefined) {
      sets.push('provider.activationUsage = :seats');
      values[':seats'] = seatsInUse;
      conditions.push('attribute_exists(provider)');
    }
    const removes = forget.map((slotKey, index) => {
      names[`#f${index}`] = slotKey;
      return `devices.#f${index}`;
    });
    const update = [
      sets.length > 0 ? `SET ${sets.join(', ')}` : '',
      removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
    ].join(' ');
    return this.conditionalUpdate(licenseHash, {
      UpdateExpression: update.trim(),
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
      ExpressionAttributeValues: Object.keys(values).length > 0 ? values : undefined,
    });
  }

  /**
   * Records a sighting (a heartbeat of a device or of the license, the key's usage figure) in one
   * write, on the conditions `sightingParts` gives plus the item's existence (a license-level
   * sighting has none of its own, and DynamoDB refuses an empty expression): a slot re-activated
   * or a key rotated meanwhile is left alone. Undefined when a condition failed.
   */
  recordSighting(licenseHash: string, sighting: Sighting): Promise<LicenseRecord | undefined> {
    const parts = sightingParts(sighting);
    if (parts.sets.length === 0) return Promise.resolve(undefined);
    return this.conditionalUpdate(licenseHash, {
      UpdateExpression: `SET ${parts.sets.join(', ')}`,
      ConditionExpression: ['attribute_exists(pk)', ...parts.conditions].join(' AND '),
      ExpressionAttributeNames: parts.names,
      ExpressionAttributeValues: parts.values,
    });
  }
}

/** Whether the stored license holds `activation` as an active device (the write that put it). */
function holdsActivation(stored: LicenseRecord, activation: Activation): boolean {
  const slot = slotOf(stored, activation.instanceName);
  return (
    slot?.state === 'active' &&
    slot.instanceId === activation.instanceId &&
    slot.activatedAt === activation.activatedAt
  );
}
