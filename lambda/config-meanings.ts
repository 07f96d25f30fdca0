import type { adminEnvSchema } from './admin-config.ts';
import type { envSchema } from './config.ts';

type ServiceVariable = keyof (typeof envSchema)['shape'];
type AdminVariable = Exclude<keyof (typeof adminEnvSchema)['shape'], ServiceVariable>;

/**
 * What each environment variable of `lambda/config.ts` means, for docs/configuration.md: `pnpm
 * docs` writes its table from the schema (names, defaults, required) and this. A `Record` over
 * the schema's variables, so a variable added there does not compile until it is explained
 * here. Read by the docs generator only: the functions do not carry the text.
 */
export const SERVICE_VARIABLE_MEANINGS: Readonly<Record<ServiceVariable, string>> = {
  TABLE_NAME: 'The DynamoDB table that holds licenses, devices, trials and the audit trail.',
  DEPLOYMENT_ID:
    "Written into every OpenRouter key name; the reaper deletes only keys that carry its own. Unset: derived from a digest of `TABLE_NAME`, so two stacks sharing an OpenRouter account never touch each other's keys.",
  AWS_REGION: "The AWS clients' region (Lambda sets it).",
  AWS_LAMBDA_FUNCTION_NAME:
    "The function's name, used as the `service` dimension of its metrics (Lambda sets it).",
  AUDIT_RETENTION_DAYS:
    'Days an audit record is kept before DynamoDB expires it (1 to 3650); `ravn-admin` reads it too.',
  DYNAMODB_ENDPOINT: "DynamoDB Local's URL, for the local server and the tests. Unset: AWS.",
  DYNAMODB_CONNECT_TIMEOUT_MS:
    'Milliseconds to open a connection to DynamoDB (see the time budget in [deploy](deploy.md)).',
  DYNAMODB_REQUEST_TIMEOUT_MS:
    'Milliseconds one DynamoDB attempt may take (`pnpm start` and the tests allow 10000).',
  DYNAMODB_MAX_ATTEMPTS: 'Attempts per DynamoDB call, counting the first.',
  LEMONSQUEEZY_BASE_URL:
    "Base URL of LemonSqueezy's License and REST APIs (the local server points it at its sandbox).",
  LEMONSQUEEZY_BUDGET_PER_MINUTE:
    'License API calls (validate, activate, deactivate) the whole deployment may make in a minute, out of the 60 LemonSqueezy allows a store. `0` turns the budget off.',
  LEMONSQUEEZY_FIRST_CONTACT_PER_MINUTE:
    'The part of that budget kept for the first activation of keys never stored here; licenses already held get the rest. Must stay below the budget, and neither part can borrow from the other.',
  OPENROUTER_BASE_URL: "Base URL of OpenRouter's key management API.",
  UPSTREAM_TIMEOUT_MS: 'Milliseconds one call to LemonSqueezy or OpenRouter may take.',
  STATUS_TTL_SECONDS:
    'How long a stored LemonSqueezy status is trusted before validate asks again.',
  STATUS_GRACE_SECONDS:
    'How long a stored status may still be answered while LemonSqueezy cannot be reached.',
  USAGE_TTL_SECONDS:
    "The longest a key's `limit_remaining` is answered from the table before OpenRouter is asked again (see usage freshness in [design](design.md)).",
  ACTIVATION_LEASE_SECONDS:
    'After this long, the claim on a device held by a request that never finished may be taken over.',
  ACTIVATION_WAIT_SECONDS:
    'How long a request waits for a parallel activation of the same device to finish.',
  ALLOW_TEST_MODE:
    'Accept LemonSqueezy test-mode keys (`true` or `1`): for a sandbox or staging store only.',
  TRIAL_DEVICE_ID_PATTERN:
    'A JavaScript regular expression (`u` flag) the whole canonical trial device id must match, else 400 `INVALID_DEVICE_ID`. One that does not compile fails the cold start.',
  BLOCK_DISPOSABLE_EMAILS:
    '`off` (or `false`, `0`) lets addresses at disposable email domains start trials.',
  RATE_LIMITS:
    '`off` (or `false`, `0`) turns every in-app rate limit off, as load tests and `pnpm bench` do.',
  RATE_LIMIT_TRIAL:
    'Trials per client address. Every `RATE_LIMIT_*` is written `<requests>/<window>`, the window in seconds or with a unit `s`, `m`, `h` or `d`, from 1 s to 1 d.',
  RATE_LIMIT_UNKNOWN_KEY:
    'Requests naming license keys this service does not hold, per client address.',
  RATE_LIMIT_ACTIVATE: 'Device changes (activations and deactivations) per license.',
  RATE_LIMIT_VALIDATE_UPSTREAM: 'Validates that reach LemonSqueezy or OpenRouter, per license.',
  RATE_LIMIT_LICENSE_UPSTREAM:
    "LemonSqueezy License API calls made for one license, whoever asks: that license's share of the budget, small enough that ten licenses at their limit leave room for all the others.",
  NEGATIVE_CACHE_SECONDS:
    'How long LemonSqueezy\'s "unknown" or "not ours" about a key this service does not hold is answered from the table. `0` turns it off.',
  SECRETS_CACHE_SECONDS:
    'How long a secret read from SSM or Secrets Manager is reused before it is read again.',
  LOG_LEVEL: '`DEBUG`, `INFO`, `WARN`, `ERROR` or `SILENT`.',
  LEMONSQUEEZY_API_KEY_PARAM:
    'Name of the SSM SecureString holding the LemonSqueezy API key (AWS). Each of the three upstream secrets needs either its `_PARAM` name or its value.',
  OPENROUTER_API_KEY_PARAM:
    'Name of the SSM SecureString holding the OpenRouter management key (AWS).',
  WEBHOOK_SECRET_PARAM:
    "Name of the SSM SecureString holding LemonSqueezy's webhook signing secret (AWS).",
  LEMONSQUEEZY_API_KEY: 'The LemonSqueezy API key itself, for the local server and the tests.',
  OPENROUTER_API_KEY: 'The OpenRouter management key itself, for the local server and the tests.',
  WEBHOOK_SECRET: 'The webhook signing secret itself, for the local server and the tests.',
  ORIGIN_SECRET_ARN:
    'ARN of the Secrets Manager secret CloudFront adds to every origin request; a request without it is refused 403 `FORBIDDEN`. Unset (and no `ORIGIN_SECRET`): no origin check, as locally.',
  ORIGIN_SECRET: 'The origin secret itself, for the tests.',
  SIGNING_KEY_PARAM:
    'Name of the SSM SecureString holding the lease signing key set (in AWS, set on `ravn-activate` and `ravn-validate` only).',
  SIGNING_KEY:
    'The lease signing key set itself (`pnpm start` and the tests make one for each run). A function that answers licenses with neither this nor `SIGNING_KEY_PARAM` answers 503 `UPSTREAM_ERROR`.',
};

/** The admin function's own variables (`lambda/admin-config.ts`), besides the shared ones. */
export const ADMIN_VARIABLE_MEANINGS: Readonly<Record<AdminVariable, string>> = {
  ADMIN_AUTH:
    "`ravn-admin` only: `iam` (the function URL checks the SigV4 signature; the caller's ARN goes into the audit trail) or `token` (a bearer `ADMIN_TOKEN`, as the local server uses).",
  ADMIN_TOKEN:
    '`ravn-admin` only: the bearer token, at least 32 characters, required when `ADMIN_AUTH` is `token` (`pnpm start` makes one and prints it).',
};
