import { expect } from 'vitest';
import { HOUR, MINUTE } from '#test/helpers/manual-clock.ts';
import {
  deviceId,
  type HttpResult,
  SERVICE_RATE_LIMITS,
  seedLicense,
  type TestStack,
} from '#test/helpers/test-stack.ts';

/**
 * The limits as deployed: the service's default rate limits (the per-license share of
 * LemonSqueezy's budget among them) and the store-wide budget with its default shares (an empty
 * variable counts as unset).
 */
export const DEPLOYED_LIMITS = {
  ...SERVICE_RATE_LIMITS,
  LEMONSQUEEZY_BUDGET_PER_MINUTE: '',
  LEMONSQUEEZY_FIRST_CONTACT_PER_MINUTE: '',
} as const;

/** Moves the clock to the start of the next minute: every per-minute share is whole again. */
export function nextMinute(stack: TestStack): void {
  stack.clock.set(new Date((Math.floor(stack.clock.now().getTime() / MINUTE) + 1) * MINUTE));
}

/** License API calls naming `licenseKey` that reached the LemonSqueezy double this minute. */
export function callsThisMinute(stack: TestStack, licenseKey: string): number {
  const minute = Math.floor(stack.clock.now().getTime() / MINUTE);
  return stack.lemonSqueezy
    .licenseApiCalls(licenseKey)
    .filter((at) => Math.floor(at.getTime() / MINUTE) === minute).length;
}

export interface HostileLicense {
  licenseKey: string;
  instanceName: string;
}

/** A license with one device this service knows, activated and deactivated once (setup). */
export async function hostileLicense(stack: TestStack): Promise<HostileLicense> {
  const { key: licenseKey } = seedLicense(stack, 'byok');
  const instanceName = deviceId();
  const activated = await stack.post('/v1/activate', { licenseKey, instanceName });
  const deactivated = await stack.post('/v1/deactivate', { licenseKey, instanceName });
  expect([activated.status, deactivated.status], deactivated.text).toEqual([200, 200]);
  return { licenseKey, instanceName };
}

/**
 * The finding's attack: activate then deactivate the license's known device `times` times, one
 * request after the other. Each cycle costs LemonSqueezy three calls when nothing refuses it
 * (validate and activate, then deactivate): a known device is no device change.
 */
export async function cycle(
  stack: TestStack,
  hostile: HostileLicense,
  times = 10,
): Promise<HttpResult[]> {
  const answers: HttpResult[] = [];
  for (let round = 0; round < times; round += 1) {
    answers.push(await stack.post('/v1/activate', hostile));
    answers.push(await stack.post('/v1/deactivate', hostile));
  }
  return answers;
}

/** A license activated on one device (setup) whose status is due for a refresh a day later. */
export async function licenseToRefresh(stack: TestStack) {
  const { key: licenseKey } = seedLicense(stack, 'byok');
  const activated = await stack.post('/v1/activate', { licenseKey, instanceName: deviceId() });
  expect(activated.status, activated.text).toBe(200);
  return { licenseKey, instanceId: activated.body.instanceId as string };
}

/** A day and an hour on, at a minute's start: every status set up before is due for a refresh. */
export function aDayLater(stack: TestStack): void {
  stack.clock.advance(25 * HOUR);
  nextMinute(stack);
}
