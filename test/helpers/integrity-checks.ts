import { setTimeout as sleep } from 'node:timers/promises';
import type { DeviceSlot } from '#domain/license.ts';
import { licenseHashOf } from '#domain/license.ts';
import { SANDBOX_SECRETS } from '#local/local-stack.ts';
import { licenseCall } from '#test/helpers/license-api-calls.ts';
import { PLANS, type TestStack } from '#test/helpers/test-stack.ts';

/** Every OpenRouter key (dead ones included) made for the license with this key. */
export function keysOfLicense(stack: TestStack, licenseKey: string) {
  const hash = licenseHashOf(licenseKey);
  return stack.openRouter.keys().filter((key) => key.name.includes(hash));
}

/**
 * The credit a license's keys can still be worth, in USD (invariant I1): the limit of every key
 * that works (it may all be spent) plus what every dead key spent. Only the keys of the period
 * ending at `periodEnd`, when given (each period has its own credit).
 */
export function exposedCredit(stack: TestStack, licenseKey: string, periodEnd?: string): number {
  const keys = keysOfLicense(stack, licenseKey).filter(
    (key) =>
      periodEnd === undefined ||
      (key.expiresAt !== null && Date.parse(key.expiresAt) === Date.parse(periodEnd)),
  );
  const usd = keys.reduce(
    (sum, key) => sum + (key.disabled || key.deleted ? key.usage : (key.limit ?? 0)),
    0,
  );
  return Math.round(usd * 100) / 100;
}

/** The plan credit of the SaaS test plan (USD per period). */
export const SAAS_CREDIT = PLANS.saas.credits;

/** Frees a seat at the LemonSqueezy double through its License API, the way a customer would. */
export async function deactivateAtLemonSqueezy(
  stack: TestStack,
  licenseKey: string,
  instanceId: string,
): Promise<void> {
  const answer = await licenseCall(
    stack.lemonSqueezy.url,
    'deactivate',
    { license_key: licenseKey, instance_id: instanceId },
    true,
  );
  if (answer.status !== 200) throw new Error(`deactivation failed: HTTP ${answer.status}`);
}

/** Takes a seat at the LemonSqueezy double directly (not through us); returns the instance id. */
export async function activateAtLemonSqueezy(
  stack: TestStack,
  licenseKey: string,
  instanceName: string,
): Promise<string> {
  const answer = await licenseCall(
    stack.lemonSqueezy.url,
    'activate',
    { license_key: licenseKey, instance_name: instanceName },
    true,
  );
  if (answer.status !== 200) throw new Error(`activation failed: HTTP ${answer.status}`);
  return answer.body.instance.id;
}

/** The stored device slots of a license. */
export async function storedDevices(stack: TestStack, licenseKey: string): Promise<DeviceSlot[]> {
  const hash = licenseHashOf(licenseKey);
  const item = (await stack.items()).find(
    (entry) => entry.pk === `LICENSE#${hash}` && entry.sk === 'LICENSE',
  );
  return Object.values((item?.devices ?? {}) as Record<string, DeviceSlot>);
}

/** Device claims still pending anywhere in the table (each one would block its device). */
export async function pendingClaims(stack: TestStack): Promise<DeviceSlot[]> {
  return (await stack.items()).flatMap((item) =>
    Object.values((item.devices ?? {}) as Record<string, DeviceSlot>).filter(
      (slot) => slot.state === 'pending',
    ),
  );
}

/** Waits until a double has received `count` requests on `route` (a request is then in flight). */
export async function untilCalled(
  double: { callCount(route: never): number },
  route: string,
  count: number,
): Promise<void> {
  const calls = () => (double.callCount as (route: string) => number).call(double, route);
  const deadline = performance.now() + 5000;
  while (calls() < count) {
    if (performance.now() > deadline) throw new Error(`no call to ${route} arrived`);
    await sleep(5);
  }
}

/**
 * Creates a key at an OpenRouter double by hand (as an operator or another deployment would),
 * with the management key the sandbox stacks use. Returns its hash.
 */
export async function createKeyByHand(openRouterUrl: string, name: string): Promise<string> {
  const response = await fetch(`${openRouterUrl}/keys`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${SANDBOX_SECRETS.OPENROUTER_API_KEY}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ name, limit: 1 }),
  });
  if (response.status !== 201) throw new Error(`key creation failed: HTTP ${response.status}`);
  const body = (await response.json()) as { data: { hash: string } };
  return body.data.hash;
}

/**
 * Records every log line written from now on while still passing it on (the per-file secret
 * check keeps seeing everything). `stop()` ends the recording.
 */
export function watchLogs(): { lines(): string[]; stop(): void } {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, index) => {
    const original = originals[index] as typeof stream.write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      chunks.push(
        typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'),
      );
      return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
  });
  return {
    lines: () => chunks.join('').split('\n').filter(Boolean),
    stop: () => {
      streams.forEach((stream, index) => {
        stream.write = originals[index] as typeof stream.write;
      });
    },
  };
}
