import type { z } from 'zod';
import type { RoutePath } from '#config/routes.ts';
import { activateRequestSchema } from '#schemas/activate.ts';
import { deactivateRequestSchema } from '#schemas/deactivate.ts';
import { deactivateResponseSchema, devicesResponseSchema } from '#schemas/device-response.ts';
import { devicesRequestSchema } from '#schemas/devices.ts';
import { healthResponseSchema } from '#schemas/health.ts';
import { leaseKeysResponseSchema } from '#schemas/lease-keys.ts';
import { licenseResponseSchema } from '#schemas/license-response.ts';
import { openApiResponseSchema } from '#schemas/openapi.ts';
import { trialRequestSchema } from '#schemas/trial.ts';
import { validateRequestSchema } from '#schemas/validate.ts';
import { webhookEnvelopeSchema } from '#schemas/webhook.ts';
import { webhookResponseSchema } from '#schemas/webhook-response.ts';

/** A named wire schema: the name is its key under `components.schemas`. */
export interface NamedSchema {
  readonly name: string;
  readonly schema: z.ZodType;
}

/**
 * What the description says of one route beyond config/routes.ts (its method and function) and
 * config/route-errors.ts (its refusals): the bodies, in the schemas the handlers parse and write.
 */
export interface OperationSpec {
  readonly summary: string;
  readonly description?: string;
  /** The JSON body a POST takes; `signed`: checked against `X-Signature` before it is read. */
  readonly request?: NamedSchema & { readonly signed?: boolean };
  readonly response: NamedSchema;
  /** The route replays its answer to a repeated `Idempotency-Key`. */
  readonly idempotent?: boolean;
  /** `cache-control` of a success: `public` documents (cached at the edge) or `no-store`. */
  readonly caching?: 'public' | 'no-store';
}

const license = { name: 'LicenseResponse', schema: licenseResponseSchema };

/** Every route's operation: a `Record`, so a new route does not compile until it is described. */
export const OPERATIONS: Readonly<Record<RoutePath, OperationSpec>> = {
  '/v1/trial': {
    summary: 'Start a trial on a device',
    description: 'One trial per email and per device, each compared in its canonical form.',
    request: { name: 'TrialRequest', schema: trialRequestSchema },
    response: license,
    idempotent: true,
  },
  '/v1/activate': {
    summary: 'Activate a license key on a device',
    description: 'A device already activated gets its activation back and takes no new seat.',
    request: { name: 'ActivateRequest', schema: activateRequestSchema },
    response: license,
    idempotent: true,
  },
  '/v1/validate': {
    summary: 'Validate a license key',
    description:
      'A license that can no longer be used answers 200 with status `expired` or `suspended` and the reason as `code`.',
    request: { name: 'ValidateRequest', schema: validateRequestSchema },
    response: license,
  },
  '/v1/deactivate': {
    summary: "Free a device's seat",
    description: 'Names the device by `instanceId`, `instanceName` or both (at least one).',
    request: { name: 'DeactivateRequest', schema: deactivateRequestSchema },
    response: { name: 'DeactivateResponse', schema: deactivateResponseSchema },
    idempotent: true,
  },
  '/v1/devices': {
    summary: "List a license's devices",
    request: { name: 'DevicesRequest', schema: devicesRequestSchema },
    response: { name: 'DevicesResponse', schema: devicesResponseSchema },
  },
  '/v1/keys': {
    summary: 'The public keys of the signed leases (JWKS)',
    response: { name: 'LeaseKeysResponse', schema: leaseKeysResponseSchema },
    caching: 'public',
  },
  '/v1/openapi.json': {
    summary: 'This API description (OpenAPI 3.1)',
    response: { name: 'OpenApiDocument', schema: openApiResponseSchema },
    caching: 'public',
  },
  '/v1/webhook': {
    summary: "LemonSqueezy's signed events",
    description:
      'Called by LemonSqueezy, server to server. Events the service does not act on are acknowledged with 200.',
    request: { name: 'WebhookEvent', schema: webhookEnvelopeSchema, signed: true },
    response: { name: 'WebhookResponse', schema: webhookResponseSchema },
  },
  '/health': {
    summary: 'Health probe',
    description: 'Answered from memory: no upstream and no table call. Never cached.',
    response: { name: 'HealthResponse', schema: healthResponseSchema },
    caching: 'no-store',
  },
};
