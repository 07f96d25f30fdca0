import { randomUUID } from 'node:crypto';
import { rememberSecretsOf } from '#test/helpers/secret-registry.ts';
import type { TestStack } from '#test/helpers/test-stack.ts';
import { deviceId } from '#test/helpers/test-stack.ts';

/**
 * `stack.post` with an optional `Idempotency-Key`, keeping what `post` drops: the
 * `idempotent-replayed` response header. A string body is sent as it is (junk), anything else as
 * JSON. Answered keys and tokens go to the log check as usual.
 */
export async function postWithKey(
  stack: TestStack,
  path: string,
  body: unknown,
  key?: string,
  contentType = 'application/json',
) {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (key !== undefined) headers['idempotency-key'] = key;
  const response = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields freely and assert them.
  const parsed: any = JSON.parse(text);
  rememberSecretsOf(parsed);
  return {
    status: response.status,
    body: parsed,
    text,
    replayed: response.headers.get('idempotent-replayed'),
  };
}

/** A trial body no earlier test used: a fresh device and a fresh email. */
export const trialBody = () => ({ instanceName: deviceId(), email: `${randomUUID()}@example.com` });
