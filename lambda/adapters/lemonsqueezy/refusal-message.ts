import type { BareRefusal } from '#ports/license-provider.ts';

/**
 * The message of a License API refusal: `error` in the verdict-shaped bodies, `message` in the
 * Laravel-style ones (docs/upstreams.md, "Statuses and errors"); undefined when the body carries
 * neither.
 */
function messageOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  for (const field of ['error', 'message']) {
    const value = Object.hasOwn(body, field) ? (body as Record<string, unknown>)[field] : undefined;
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/**
 * Which refusal a License API answer names by its message, matched loosely (case-insensitive, by
 * key phrase) because only the wording is documented and it may change (docs/upstreams.md,
 * "Refusals sent bare"): "This license key has reached the activation limit." and "instance_id not
 * found." (also "instance not found"). Undefined for any other message.
 */
export function refusalNamed(body: unknown): BareRefusal | undefined {
  const message = messageOf(body)?.toLowerCase();
  if (message === undefined) return undefined;
  if (message.includes('activation limit')) return 'activation-limit';
  if (/instance(?:[ _]?id)? not found/.test(message)) return 'instance-gone';
  return undefined;
}
