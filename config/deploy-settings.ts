import * as z from 'zod';
import { DEFAULT_RESERVED_CONCURRENCY, type ReservedFunction } from './concurrency.ts';
import { DEFAULT_RELEASE_STRATEGY, RELEASE_STRATEGIES } from './release.ts';
import { settingsMap, wholeNumber } from './settings-map.ts';
import { MANAGED_RULE_ACTIONS, MANAGED_RULE_GROUPS, type ManagedRuleGroupId } from './waf.ts';

/** CloudFront reads certificates, and keeps its web ACLs and metrics, in this region only. */
export const EDGE_REGION = 'us-east-1';

/** Where the stack goes when neither the CLI profile nor the environment names a region. */
export const FALLBACK_REGION = 'eu-west-1';

/**
 * The money alarm's default: 50 trials (2 USD each) or about 16 new SaaS periods (6 USD) in one
 * hour, well above what a small store sells, well below what a leak or a bug could issue.
 */
export const DEFAULT_CREDIT_ALARM_USD_PER_HOUR = 100;

/**
 * The refusal alarm's default: this many licenses LemonSqueezy refused without confirmation in 5
 * minutes. One is a customer's key disabled before its webhook arrived; five at once is
 * LemonSqueezy answering 404 for keys it holds (docs/upstreams.md, "Not found during incidents").
 */
export const DEFAULT_REFUSAL_ALARM_LICENSES = 5;

/** The CORS origin that allows every web page: only when an operator lists it, with a warning. */
export const ANY_ORIGIN = '*';

const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;

const optionalText = z.string().trim().min(1).optional();

const flag = z.union([z.boolean(), z.stringbool()]).default(false);

// A list from cdk.json (array) or from the CLI/environment (comma-separated string). Empty is
// the default and means no CORS at all: the desktop client is no browser, and any origin allowed
// lets every web page start trials from its visitors' addresses and read what they return.
const origins = z
  .union([z.array(z.string()), z.string().transform((value) => value.split(','))])
  .transform((list) => list.map((origin) => origin.trim()).filter((origin) => origin.length > 0))
  .pipe(
    z.array(
      z.union([
        z.literal(ANY_ORIGIN),
        z.string().regex(/^https?:\/\/[a-z0-9.-]+(:\d+)?$/i, {
          message: 'each CORS origin is * or like https://app.example.com (no path)',
        }),
      ]),
    ),
  );

/** Parses a list of CORS origins as the deploy settings do (`pnpm start` reads `CORS_ORIGINS`). */
export function parseCorsOrigins(value: unknown): string[] {
  const parsed = origins.optional().safeParse(value === '' ? undefined : value);
  if (parsed.success) return parsed.data ?? [];
  throw new Error(`Invalid CORS origins: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
}

const reserved = (name: ReservedFunction) =>
  wholeNumber.default(DEFAULT_RESERVED_CONCURRENCY[name]);
const reservedConcurrency = settingsMap(
  {
    activate: reserved('activate'),
    validate: reserved('validate'),
    webhook: reserved('webhook'),
    reaper: reserved('reaper'),
    reconciler: reserved('reconciler'),
  } satisfies Record<ReservedFunction, unknown>,
  { activate: 0, validate: 0, webhook: 0, reaper: 0, reconciler: 0 },
);

const ruleAction = (group: ManagedRuleGroupId) =>
  z
    .enum(MANAGED_RULE_ACTIONS, { message: 'must be block or count' })
    .default(MANAGED_RULE_GROUPS[group].action);
const wafManagedRules = settingsMap({
  ipReputation: ruleAction('ipReputation'),
  knownBadInputs: ruleAction('knownBadInputs'),
  commonRuleSet: ruleAction('commonRuleSet'),
} satisfies Record<ManagedRuleGroupId, unknown>);

/**
 * How one deployment differs from another. Each value comes from CDK context
 * (`--context certificateArn=…`, cdk.json) or else from the environment (`CERTIFICATE_ARN=…`).
 */
export const deploySettingsSchema = z
  .object({
    account: optionalText,
    region: z.string().trim().min(1).default(FALLBACK_REGION),
    certificateArn: optionalText,
    domainName: optionalText.pipe(
      z
        .string()
        .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, {
          message: 'domainName must be a host name such as activate.example.com',
        })
        .optional(),
    ),
    enableWaf: flag,
    // Per managed rule group (config/waf.ts): block, or only count.
    wafManagedRules,
    alarmEmail: optionalText.pipe(
      z.email({ message: 'alarmEmail must be an email address' }).optional(),
    ),
    // Origins a browser may call the API from; none by default (no CORS).
    corsOrigins: origins.optional(),
    // corsOrigins' old name (its default was `*`): still read for one release, with a synth warning.
    corsAllowOrigins: origins.optional(),
    // USD of AI credit issued in one hour above which the money alarm fires (lib/constructs/dashboard.ts).
    creditAlarmUsdPerHour: z.coerce
      .number({ message: 'creditAlarmUsdPerHour must be a number of US dollars' })
      .positive({ message: 'creditAlarmUsdPerHour must be above 0' })
      .default(DEFAULT_CREDIT_ALARM_USD_PER_HOUR),
    // Licenses with an unconfirmed LemonSqueezy refusal in 5 minutes at which the refusal alarm fires.
    refusalAlarmLicenses: z.coerce
      .number({ message: 'refusalAlarmLicenses must be a whole number' })
      .int({ message: 'refusalAlarmLicenses must be a whole number' })
      .positive({ message: 'refusalAlarmLicenses must be above 0' })
      .default(DEFAULT_REFUSAL_ALARM_LICENSES),
    // Per function (config/concurrency.ts); 0 or `off` reserves nothing.
    reservedConcurrency,
    // How the functions behind CloudFront reach their new versions (config/release.ts).
    releaseStrategy: z
      .enum(RELEASE_STRATEGIES, { message: 'must be canary or allAtOnce' })
      .default(DEFAULT_RELEASE_STRATEGY),
    // Any new value (e.g. today's date) makes CloudFront re-read the origin secret.
    originSecretRotation: optionalText.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9._:-]{1,40}$/, {
          message: 'originSecretRotation must be 1-40 letters, digits or . _ : -',
        })
        .optional(),
    ),
  })
  .superRefine((settings, context) => {
    const { certificateArn, domainName } = settings;
    if (settings.corsOrigins !== undefined && settings.corsAllowOrigins !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['corsAllowOrigins'],
        message:
          'corsAllowOrigins (CORS_ALLOW_ORIGINS) is the old name of corsOrigins (CORS_ORIGINS): set only corsOrigins',
      });
    }
    if (domainName && !certificateArn) {
      context.addIssue({
        code: 'custom',
        path: ['certificateArn'],
        message: `domainName ${domainName} needs certificateArn: CloudFront serves a custom domain only with an ACM certificate for it, issued in ${EDGE_REGION}`,
      });
    }
    if (certificateArn && !domainName) {
      context.addIssue({
        code: 'custom',
        path: ['domainName'],
        message: 'certificateArn needs domainName: the host name the certificate is for',
      });
    }
    if (certificateArn) {
      const region = CERTIFICATE_ARN.exec(certificateArn)?.[1];
      if (region === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['certificateArn'],
          message: `certificateArn must be an ACM certificate ARN (arn:aws:acm:${EDGE_REGION}:<account>:certificate/<id>)`,
        });
      } else if (region !== EDGE_REGION) {
        context.addIssue({
          code: 'custom',
          path: ['certificateArn'],
          message: `certificateArn is in ${region}: CloudFront only uses ACM certificates issued in ${EDGE_REGION}; request or import the certificate there`,
        });
      }
    }
  })
  .transform(({ corsAllowOrigins, corsOrigins, ...settings }) => ({
    ...settings,
    corsOrigins: corsOrigins ?? corsAllowOrigins ?? [],
    // The app warns at synth time (lib/cors-warnings.ts) until the old name is gone.
    corsOriginsFromOldName: corsAllowOrigins !== undefined,
  }));

export type DeploySettings = z.output<typeof deploySettingsSchema>;
export type DeploySettingsInput = z.input<typeof deploySettingsSchema>;

/** Context key → environment variable, for each setting an operator chooses. */
const SOURCES = {
  certificateArn: 'CERTIFICATE_ARN',
  domainName: 'DOMAIN_NAME',
  enableWaf: 'ENABLE_WAF',
  wafManagedRules: 'WAF_MANAGED_RULES',
  alarmEmail: 'ALARM_EMAIL',
  corsOrigins: 'CORS_ORIGINS',
  corsAllowOrigins: 'CORS_ALLOW_ORIGINS',
  creditAlarmUsdPerHour: 'CREDIT_ALARM_USD_PER_HOUR',
  refusalAlarmLicenses: 'REFUSAL_ALARM_LICENSES',
  reservedConcurrency: 'RESERVED_CONCURRENCY',
  releaseStrategy: 'RELEASE_STRATEGY',
  originSecretRotation: 'ORIGIN_SECRET_ROTATION',
} as const;

/**
 * The settings of this deployment: context wins over the environment, empty values count as
 * unset. The account and region are the CLI's (`CDK_DEFAULT_ACCOUNT`, `CDK_DEFAULT_REGION`).
 * Throws one error naming every invalid setting.
 */
export function readDeploySettings(
  context: (key: string) => unknown,
  env: NodeJS.ProcessEnv = process.env,
): DeploySettings {
  const present = (value: unknown) => (value === '' || value === null ? undefined : value);
  const raw: Record<string, unknown> = {
    account: present(env.CDK_DEFAULT_ACCOUNT),
    region: present(env.CDK_DEFAULT_REGION),
  };
  for (const [key, variable] of Object.entries(SOURCES)) {
    raw[key] = present(context(key)) ?? present(env[variable]);
  }
  return parseDeploySettings(raw);
}

/** Checks settings given as values (tests, other tools); same errors as readDeploySettings. */
export function parseDeploySettings(raw: unknown): DeploySettings {
  const parsed = deploySettingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`Invalid deploy settings: ${problems.join('; ')}`);
}
