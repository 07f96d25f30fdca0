import type { LemonSqueezyDouble } from '#local/sandbox/lemonsqueezy-double.ts';
import type { OpenRouterDouble } from '#local/sandbox/openrouter-double.ts';

/** Everything secret a test file handled: answered keys/tokens and the doubles' own records. */
const answered = new Set<string>();
const doubles: Array<{ lemonSqueezy?: LemonSqueezyDouble; openRouter?: OpenRouterDouble }> = [];

/** Remembers the license key and AI token of a response body, if it has them. */
export function rememberSecretsOf(body: unknown): void {
  if (!body || typeof body !== 'object') return;
  const { licenseKey, ai_details: ai } = body as {
    licenseKey?: unknown;
    ai_details?: { token?: unknown };
  };
  if (typeof licenseKey === 'string' && licenseKey.length >= 16) answered.add(licenseKey);
  if (typeof ai?.token === 'string') answered.add(ai.token);
}

export function rememberDoubles(entry: {
  lemonSqueezy?: LemonSqueezyDouble;
  openRouter?: OpenRouterDouble;
}): void {
  doubles.push(entry);
}

/** Every license key and OpenRouter token this file's tests saw or the doubles issued. */
export function knownSecrets(): string[] {
  const secrets = new Set(answered);
  for (const entry of doubles) {
    for (const key of entry.openRouter?.keys() ?? []) secrets.add(key.key);
    for (const key of entry.lemonSqueezy?.licenseKeys() ?? []) secrets.add(key);
  }
  return [...secrets];
}
