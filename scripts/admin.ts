import { pathToFileURL } from 'node:url';
import { ADMIN_COMMANDS, type AdminCommand } from '#config/admin.ts';
import { formatAnswer } from './admin-format.ts';
import { adminUrlOfStack, functionUrlRegion, signedHeaders } from './admin-sigv4.ts';
import { parseCommandLine, usageError } from './cli-args.ts';
import { runningLocalServer, unreachableMessage } from './local-server.ts';

/**
 * `pnpm admin <command> [options] [--json]`: the operators' CLI for the admin API.
 *
 * Target: `--url` / `RAVN_ADMIN_URL`, else the server `pnpm start` runs (its URL and token from
 * .ravn-local/server.json). A local server's base URL takes `--token` / `RAVN_ADMIN_TOKEN`; a
 * deployed stack's admin URL (the `AdminUrl` output, a Lambda function URL with AWS_IAM auth, or
 * `--stack NAME` to read it from the stack's outputs) takes requests signed with SigV4 by the
 * operator's AWS credentials (the default chain: environment, profile, SSO), which the CLI does
 * when no token is given.
 */
const USAGE = `usage: pnpm admin <command> [options] [--json]
       pnpm admin help | --help

commands: ${Object.keys(ADMIN_COMMANDS).join(', ')}
options:  --license-key K | --email E [--license HASH]   the license
          --instance-id I | --instance-name N           the device (device deactivate; trial reset: --instance-name)
          --reason TEXT  --limit N  --json
target:   the server pnpm start runs, found by itself (.ravn-local/server.json)
          | --url URL --token T (a local server) | --stack NAME [--region R] | --url ADMIN_URL [--region R]
          (RAVN_ADMIN_URL and RAVN_ADMIN_TOKEN stand for --url and --token)
exit:     0 done, 1 refused or unreachable, 2 bad usage`;

/** Flags to body fields (kebab-case on the command line, the API's names in the body). */
const FIELDS = {
  'license-key': 'licenseKey',
  email: 'email',
  license: 'license',
  'instance-id': 'instanceId',
  'instance-name': 'instanceName',
  reason: 'reason',
  limit: 'limit',
} as const;

const SPEC = {
  name: 'pnpm admin',
  usage: USAGE,
  commands: Object.keys(ADMIN_COMMANDS),
  options: {
    ...(Object.fromEntries(Object.keys(FIELDS).map((flag) => [flag, { type: 'string' }])) as {
      [flag in keyof typeof FIELDS]: { type: 'string' };
    }),
    url: { type: 'string' },
    token: { type: 'string' },
    stack: { type: 'string' },
    region: { type: 'string' },
    json: { type: 'boolean' },
  },
} as const;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

/** The target did not answer at all; the message says what to do about it. */
class UnreachableError extends Error {}

/** Runs one command; the exit code: 0 done, 1 refused or failed, 2 bad usage. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, SPEC);
  if (parsed.exit !== undefined) {
    (parsed.exit === 0 ? io.out : io.err)(parsed.text);
    return parsed.exit;
  }
  let target = '';
  try {
    const { body, json, where, auth } = requestOf(parsed.values, io.env);
    const command = parsed.command as AdminCommand;
    if (where.local) io.err(`(the local server at ${where.url})\n`);
    // A deployed stack names its admin URL in its outputs (`AdminUrl`), read with the same credentials.
    const url =
      where.url ?? (await adminUrlOfStack(where.stack, auth.kind === 'sigv4' ? auth.region : ''));
    target = `${url.replace(/\/+$/, '')}${ADMIN_COMMANDS[command]}`;
    const payload = JSON.stringify(body);
    const headers =
      auth.kind === 'token'
        ? { 'content-type': 'application/json', authorization: `Bearer ${auth.token}` }
        : await signedHeaders(target, payload, auth.region);
    const response = await fetch(target, { method: 'POST', headers, body: payload }).catch(
      (error: unknown) => {
        throw new UnreachableError(unreachableMessage(target, error));
      },
    );
    const text = await response.text();
    const answer = parseJson(text);
    if (!response.ok) {
      const code = typeof answer?.code === 'string' ? answer.code : `HTTP ${response.status}`;
      const message = typeof answer?.error === 'string' ? answer.error : text.slice(0, 200);
      io.err(`${command} failed: ${code}: ${message}\n`);
      if (json && answer) io.out(`${JSON.stringify(answer, null, 2)}\n`);
      return 1;
    }
    io.out(`${json || !answer ? text : formatAnswer(command, answer)}\n`);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) {
      io.err(usageError(SPEC, message).text);
      return 2;
    }
    io.err(
      error instanceof UnreachableError
        ? `${message}\n`
        : `could not reach the admin API: ${message}\n`,
    );
    return 1;
  }
}

type Values = Extract<
  ReturnType<typeof parseCommandLine<typeof SPEC.options>>,
  { values: unknown }
>['values'];

function requestOf(values: Values, env: NodeJS.ProcessEnv) {
  const body: Record<string, unknown> = {};
  for (const [flag, field] of Object.entries(FIELDS)) {
    const value = values[flag as keyof typeof FIELDS];
    if (value !== undefined) body[field] = field === 'limit' ? Number(value) : value;
  }
  const stack = values.stack;
  // An empty variable is an unset one (`RAVN_ADMIN_URL= pnpm admin …`).
  const given = values.url ?? (stack ? undefined : env.RAVN_ADMIN_URL || undefined);
  // Nothing named: the server `pnpm start` runs, on whatever port it got, with its token.
  const local = stack ? undefined : runningLocalServer(env);
  const url = given ?? local?.url;
  const sameServer = local !== undefined && url !== undefined && sameOrigin(url, local.url);
  const token = stack
    ? undefined
    : (values.token ?? (env.RAVN_ADMIN_TOKEN || (sameServer ? local.adminToken : undefined)));
  if (!url && !stack) {
    throw new UsageError(
      'no admin URL: start the local server (pnpm start), pass --url or --stack, or set RAVN_ADMIN_URL',
    );
  }
  const region = values.region ?? (url ? functionUrlRegion(url) : undefined) ?? env.AWS_REGION;
  let auth: { kind: 'token'; token: string } | { kind: 'sigv4'; region: string };
  if (token) auth = { kind: 'token', token };
  else if (region) auth = { kind: 'sigv4', region };
  else {
    throw new UsageError(
      'no admin token (local server: --token or RAVN_ADMIN_TOKEN) and no region to sign for (deployed stack: --region or AWS_REGION)',
    );
  }
  const where: { url: string; local: boolean } | { stack: string; url?: undefined; local: false } =
    url ? { url, local: given === undefined } : { stack: stack as string, local: false };
  return { body, json: values.json === true, where, auth };
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
  }).then((code) => {
    process.exitCode = code;
  });
}
