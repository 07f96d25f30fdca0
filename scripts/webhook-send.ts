import { SANDBOX_SECRETS } from '#local/local-stack.ts';
import type { LocalServerState } from '#local/server-state.ts';
import {
  loadWebhookFixture,
  sendWebhook,
  setPath,
  type WebhookBody,
  webhookFixtureNames,
} from '#local/webhook-sender.ts';
import { pointAtLicense, sandboxLicenseFacts } from '#local/webhook-target.ts';
import { parseCommandLine, usageError } from './cli-args.ts';
import { runningLocalServer, unreachableMessage } from './local-server.ts';

const USAGE = `usage: pnpm webhook:send <fixture> [--license-key KEY] [--set path=value …] [--url URL]
       pnpm webhook:send help | --help

Signs an event body from test/fixtures/webhooks/ with WEBHOOK_SECRET (the sandbox's by default),
stamps its updated_at with the current time and posts it to the local server.

  --license-key KEY  make it an event about that sandbox license: its ids, order, product and
                     customer as the sandbox LemonSqueezy holds them (what happened stays the
                     fixture's; --set changes that)
  --set path=value   set a field (repeatable); values are JSON when they parse (numbers, null,
                     true), else strings
  --url URL          where to post (default: the server pnpm start runs, found by itself;
                     else http://localhost:$PORT/v1/webhook, PORT 3000)

fixtures: ${webhookFixtureNames().join(', ')}
exit: 0 the server answered 200, 1 it refused or could not be reached, 2 bad usage`;

const SPEC = {
  name: 'pnpm webhook:send',
  usage: USAGE,
  positionals: { name: 'fixture', min: 1, max: 1 },
  options: {
    'license-key': { type: 'string' },
    set: { type: 'string', multiple: true },
    url: { type: 'string' },
  },
} as const;

/**
 * `pnpm webhook:send`: LemonSqueezy's side of a webhook, for trying the local server, e.g.
 *   pnpm webhook:send license_key_updated --license-key <sandbox key> --set data.attributes.status=disabled
 */
async function main(): Promise<number> {
  const parsed = parseCommandLine(process.argv.slice(2), SPEC);
  if (parsed.exit !== undefined) return print(parsed.exit, parsed.text);
  const { values } = parsed;
  const fixture = (parsed.positionals[0] as string).replace(/\.json$/, '');
  const known = webhookFixtureNames();
  if (!known.includes(fixture)) {
    return print(2, usageError(SPEC, `no fixture '${fixture}'; known: ${known.join(', ')}`).text);
  }
  const sets: Array<[string, unknown]> = [];
  for (const assignment of values.set ?? []) {
    const split = assignment.indexOf('=');
    if (split <= 0)
      return print(2, usageError(SPEC, `--set wants path=value, not '${assignment}'`).text);
    sets.push([assignment.slice(0, split), parseValue(assignment.slice(split + 1))]);
  }

  const server = runningLocalServer(process.env);
  const url =
    values.url ??
    (server
      ? `${server.url}/v1/webhook`
      : `http://localhost:${process.env.PORT ?? 3000}/v1/webhook`);
  const body = loadWebhookFixture(fixture);
  const licenseKey = values['license-key'];
  if (licenseKey) {
    const problem = await aboutSandboxLicense(body, server, licenseKey);
    if (problem) return print(1, `${problem}\n`);
  }
  setPath(body, 'data.attributes.updated_at', new Date().toISOString());
  for (const [path, value] of sets) setPath(body, path, value);

  const secret = process.env.WEBHOOK_SECRET ?? SANDBOX_SECRETS.WEBHOOK_SECRET;
  let response: { status: number; text: string };
  try {
    response = await sendWebhook(url, body, secret);
  } catch (error) {
    return print(1, `${unreachableMessage(url, error)}\n`);
  }
  process.stdout.write(`${response.status} ${response.text}\n`);
  return response.status === 200 ? 0 : 1;
}

/** Points the event at a license of the sandbox the server runs; else says why it cannot. */
async function aboutSandboxLicense(
  body: WebhookBody,
  server: LocalServerState | undefined,
  licenseKey: string,
): Promise<string | undefined> {
  if (!server)
    return 'no local server runs (--license-key asks its sandbox) — start it with pnpm start';
  if (!server.lemonSqueezyUrl) {
    return 'the local server uses a real LemonSqueezy: --license-key names sandbox licenses only; use --set';
  }
  const facts = await sandboxLicenseFacts(server.lemonSqueezyUrl, licenseKey);
  if (!facts)
    return `the sandbox LemonSqueezy holds no license ${licenseKey} (pnpm start prints its keys)`;
  pointAtLicense(body, facts);
  return undefined;
}

function print(code: number, text: string): number {
  (code === 0 ? process.stdout : process.stderr).write(text);
  return code;
}

function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
