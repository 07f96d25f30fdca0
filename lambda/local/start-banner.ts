import type { SandboxKey } from './sandbox/seed.ts';

export interface BannerFacts {
  /** The server's base URL, `http://localhost:<port>`. */
  base: string;
  dynamoDbEndpoint: string;
  dataDir: string | undefined;
  lemonSqueezyUrl: string | undefined;
  openRouterUrl: string | undefined;
  rateLimits: boolean;
  /** Whether the EMF metric lines reach the console. */
  metricsShown: boolean;
  adminToken: string;
  keys: SandboxKey[];
  /** A device id shaped as RAVN Mail sends one (64 hex). */
  device: string;
  /** Whether Enter prints the banner again (stdin is a terminal). */
  repeatable: boolean;
}

/** What `pnpm start` prints once it is up: where things run and commands to paste. */
export function startBanner(facts: BannerFacts): string {
  const { base, keys, device } = facts;
  const curl = (path: string, body: unknown) =>
    `curl -s ${base}${path} -H 'content-type: application/json' -d '${JSON.stringify(body)}'`;
  const [first] = keys;
  const lines = [
    '',
    `ravn-activate is running at ${base}/v1/...`,
    `  DynamoDB Local: ${facts.dynamoDbEndpoint} (${facts.dataDir ? `data and signing key in ${facts.dataDir}` : 'in memory'})`,
    `  LemonSqueezy:   ${facts.lemonSqueezyUrl ? `sandbox at ${facts.lemonSqueezyUrl}` : 'real (LEMONSQUEEZY_BASE_URL)'}`,
    `  OpenRouter:     ${facts.openRouterUrl ? `sandbox at ${facts.openRouterUrl}` : 'real (OPENROUTER_BASE_URL)'}`,
    // On by default here too: a sixth trial from this machine within the hour gets 429.
    `  Rate limits:    ${facts.rateLimits ? 'on (RATE_LIMITS=off turns them off)' : 'off'}`,
    `  Metrics:        ${facts.metricsShown ? 'EMF lines on stdout' : 'not printed (POWERTOOLS_METRICS_DISABLED=false prints their EMF lines)'}`,
    '',
    'Sandbox license keys (one per plan in config/products.json):',
    ...keys.map((key) => `  ${key.product}/${key.variant} (${key.aiMode}): ${key.licenseKey}`),
    '',
    'Try it:',
    `  ${curl('/v1/trial', { instanceName: device, email: 'you@example.com', name: 'Your Name' })}`,
    ...keys.map(
      (key) => `  ${curl('/v1/activate', { instanceName: device, licenseKey: key.licenseKey })}`,
    ),
    ...(first ? [`  ${curl('/v1/validate', { licenseKey: first.licenseKey })}`] : []),
    ...(first && facts.lemonSqueezyUrl
      ? [
          `  pnpm webhook:send license_key_updated --license-key ${first.licenseKey} --set data.attributes.status=disabled`,
        ]
      : []),
    ...(first ? [`  pnpm admin license show --license-key ${first.licenseKey}`] : []),
    '',
    // pnpm admin and webhook:send find this server by themselves (.ravn-local/server.json).
    `Admin API (POST ${base}/admin/...; see docs/operations.md), for curl:`,
    `  export RAVN_ADMIN_URL=${base} RAVN_ADMIN_TOKEN=${facts.adminToken}`,
    '',
    facts.repeatable
      ? 'Ctrl-C stops everything. Enter prints this again.'
      : 'Ctrl-C stops everything.',
    '',
  ];
  return `${lines.join('\n')}\n`;
}
