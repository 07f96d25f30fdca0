/**
 * The license answer of trial, activate and validate: its wire body (`licenseBody`, the one
 * translation of a grant) and its signed lease, and the public keys that verify leases.
 */
import { sign } from 'node:crypto';
import type { z } from 'zod';
import { type KeySet, type SigningKey, signingKeyAt } from '#adapters/signing/key-set.ts';
import type { SigningKeys } from '#adapters/signing/signing-keys.ts';
import { PUBLIC_MAX_AGE_SECONDS } from '#config/edge.ts';
import { activeDevices } from '#domain/device-slots.ts';
import { sha256Hex } from '#domain/license-key.ts';
import { accessAfterRefusal, creditWithdrawn, knownEnd } from '#domain/license-rules.ts';
import type { LicenseGrant, Outcome } from '#domain/outcome.ts';
import type { FromCaller } from '#domain/rate-limits.ts';
import type { Clock } from '#ports/clock.ts';
import type { LeaseKeysResponse } from '#schemas/lease-keys.ts';
import type { LicenseResponse, UnsignedLicenseResponse } from '#schemas/license-response.ts';
import { callerOf } from './client-ip.ts';
import { parseJsonRequest, wireTime } from './messages.ts';
import type { Route } from './run-route.ts';

/** Why a usable SaaS license answers without a key: an operator turned its AI off. */
const AI_HELD = {
  code: 'AI_KEY_HELD',
  detail: 'AI for this license was turned off by support; contact them to turn it on again.',
} as const;

/** Why a usable SaaS license answers without a key: no credit to hand out now. */
const CREDIT_PENDING = {
  code: 'AI_CREDIT_PENDING',
  detail:
    'AI credit for a new period is issued once LemonSqueezy confirms the period is paid, or the period has none left.',
} as const;

/** Why a usable SaaS license answers without a key: its period's payment was refunded. */
const CREDIT_REFUNDED = {
  code: 'AI_CREDIT_REFUNDED',
  detail:
    'The payment for this billing period was refunded, so its AI credit was withdrawn; AI credit comes back with the next paid period.',
} as const;

/**
 * The one translation of a grant to the wire body of trial, activate and validate (its `lease`,
 * signed from this body, is added by `http/lease.ts`). Names and
 * emails are never null on the wire (the shipped client rejects null): a trial started without a
 * name, or a LemonSqueezy customer without one, is called by its email address, and an unknown
 * email is an empty string. A SaaS license that may be used but has no live key says why (a
 * refunded period only when told the answer's time, `now`).
 */
export function licenseBody(grant: LicenseGrant, now?: Date): UnsignedLicenseResponse {
  const { license, device, aiKey, refusal } = grant;
  const isTrial = license.kind === 'trial';
  const email = license.customerEmail ?? '';
  const notice =
    license.plan.aiMode === 'saas' && !refusal && !aiKey
      ? license.aiHold
        ? AI_HELD
        : now && creditWithdrawn(license, now)
          ? CREDIT_REFUNDED
          : CREDIT_PENDING
      : undefined;
  const why = refusal ?? notice;
  return {
    // A string the shipped client requires and only displays; "" when no device of the license
    // was ever activated here (a refused license answering validate).
    instanceId: device?.instanceId ?? '',
    instanceName: device?.instanceName ?? '',
    licenseKey: grant.licenseKey,
    user_name: license.customerName || email,
    user_email: email,
    ai_mode: license.plan.aiMode,
    ...(aiKey
      ? {
          ai_details: {
            token: aiKey.token,
            limit: aiKey.limit,
            limit_remaining: aiKey.limitRemaining,
            expires_at: wireTime(aiKey.periodEnd),
            limit_checked_at: wireTime(aiKey.limitCheckedAt),
          },
        }
      : {}),
    status: refusal ? accessAfterRefusal(refusal.code) : isTrial ? 'trial' : 'active',
    ...(why ? { code: why.code, message: why.detail } : {}),
    // The shipped client, offline, stays licensed until `expires_at` (null: for ever), so it
    // carries every end we know of, a cancelled subscription's included.
    expires_at: wireTimeOrNull(knownEnd(license)),
    trial_ends_at: isTrial ? wireTimeOrNull(license.expiresAt) : null,
    license_expires_at: wireTimeOrNull(license.expiresAt),
    activation_limit: license.provider?.activationLimit ?? (isTrial ? 1 : null),
    activation_usage: license.provider?.activationUsage ?? activeDevices(license).length,
    entitlements: grant.entitlements,
    cache_until: wireTime(grant.cacheUntil),
    grace_until: wireTime(grant.graceUntil),
  };
}

function wireTimeOrNull(iso: string | null): string | null {
  return iso === null ? null : wireTime(iso);
}

/**
 * The JWS `typ` of a lease (RFC 8725 §3.11, explicit typing): a verifier that checks it can never
 * take another JWT for a lease, whatever else the keys might one day sign.
 */
export const LEASE_TYP = 'ravn-lease+jwt';

/**
 * What a lease signs: the part of the answer a client relies on offline, in the body's own
 * field names. The license key appears only as its SHA-256 (hex), and the AI key only as its
 * limit and end: a lease is proof, never a credential.
 */
export interface LeaseClaims {
  license_key_sha256: string;
  /**
   * `device`: the answer is the named device's (trial, activate, a validate naming it), and
   * `instanceId`/`instanceName` say which. `license`: the request named no device (the shipped
   * client's validate), so the lease speaks for the license on whichever of its devices holds it
   * and names none.
   */
  scope: 'device' | 'license';
  instanceId?: string;
  instanceName?: string;
  status: LicenseResponse['status'];
  code?: string;
  ai_mode: LicenseResponse['ai_mode'];
  ai_details?: { limit: number; expires_at: string };
  expires_at: string | null;
  trial_ends_at: string | null;
  entitlements: string[];
  cache_until: string;
  grace_until: string;
  /** Signed at, in seconds (RFC 7519 NumericDate). */
  iat: number;
  /** The request's `nonce`, when it sent one. */
  nonce?: string;
}

export interface LeaseDeps {
  signingKeys: SigningKeys;
  clock: Clock;
}

/**
 * The lease's claims, taken from the body just written: the lease signs the wire view, but for
 * a request that named no device it leaves out the body's device (the last activation, which
 * may not be the caller).
 */
export function leaseClaims(
  body: UnsignedLicenseResponse,
  iat: number,
  nonce?: string,
  scope: LeaseClaims['scope'] = 'device',
): LeaseClaims {
  return {
    // Of the key as answered (the client's check hashes the key it holds), not the table's id.
    license_key_sha256: sha256Hex(body.licenseKey),
    scope,
    ...(scope === 'device' ? { instanceId: body.instanceId, instanceName: body.instanceName } : {}),
    status: body.status,
    ...(body.code === undefined ? {} : { code: body.code }),
    ai_mode: body.ai_mode,
    ...(body.ai_details
      ? { ai_details: { limit: body.ai_details.limit, expires_at: body.ai_details.expires_at } }
      : {}),
    expires_at: body.expires_at,
    trial_ends_at: body.trial_ends_at,
    entitlements: body.entitlements,
    cache_until: body.cache_until,
    grace_until: body.grace_until,
    iat,
    ...(nonce === undefined ? {} : { nonce }),
  };
}

/** A compact JWS (RFC 7515) of `claims`: EdDSA over `base64url(header).base64url(payload)`. */
export function signLease(key: SigningKey, claims: LeaseClaims): string {
  const header = { alg: 'EdDSA', kid: key.kid, typ: LEASE_TYP };
  const signingInput = `${base64url(header)}.${base64url(claims)}`;
  const signature = sign(null, Buffer.from(signingInput, 'utf8'), key.privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** The wire body with its lease, signed by the key that signs at the clock's now. */
export function signedLicenseBody(
  keys: KeySet,
  grant: LicenseGrant,
  now: Date,
  nonce?: string,
): LicenseResponse {
  const body = licenseBody(grant, now);
  const claims = leaseClaims(body, Math.floor(now.getTime() / 1000), nonce, grant.scope);
  return { ...body, lease: signLease(signingKeyAt(keys, now), claims) };
}

/**
 * Trial, activate and validate: a JSON route whose success is the license body with its lease.
 * The key set is loaded before the service runs, so an unreadable or broken one answers 503
 * before a trial is spent or a seat taken (deps without any key set, as some tests build, fail
 * only when signing). The `nonce` is read here and never reaches the service; the caller
 * (`callerOf`) does.
 */
export function licenseRoute<S extends z.ZodType<{ nonce?: string | undefined }>>(
  deps: LeaseDeps,
  schema: S,
  serve: (input: Omit<z.infer<S>, 'nonce'> & FromCaller) => Promise<Outcome<LicenseGrant>>,
): Route<z.infer<S> & FromCaller, LicenseGrant> {
  return {
    read: async (event) => {
      const input = parseJsonRequest(event, schema);
      if (deps.signingKeys.configured) await deps.signingKeys.current();
      return { ...input, caller: callerOf(event) };
    },
    serve: ({ nonce: _nonce, ...input }) => serve(input),
    write: async (grant, input) =>
      signedLicenseBody(await deps.signingKeys.current(), grant, deps.clock.now(), input.nonce),
  };
}

/**
 * `GET /v1/keys`: every published key as a JWKS, cacheable for `PUBLIC_MAX_AGE_SECONDS` (a key
 * is published longer than that before it signs, so a cached copy never misses a signing key).
 */
export function keysRoute(deps: Pick<LeaseDeps, 'signingKeys'>): Route<undefined, KeySet> {
  return {
    read: () => undefined,
    serve: async () => ({ ok: true, value: await deps.signingKeys.current() }),
    write: (keys): LeaseKeysResponse => keys.jwks,
    headers: { 'cache-control': `public, max-age=${PUBLIC_MAX_AGE_SECONDS}` },
  };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
