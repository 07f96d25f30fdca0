import { pathToFileURL } from 'node:url';
import { ADMIN_COMMANDS, type AdminCommand } from '#config/admin.ts';
import { formatAnswer } from './admin-format.ts';
import { adminUrlOfStack, functionUrlRegion, signedHeaders } from './admin-sigv4.ts';

/**
 * `pnpm admin <command> [options] [--json]`: the operators' CLI for the admin API.
 *
 * Target: `--url` / `RAVN_ADMIN_URL`. The local server's base URL (printed by `pnpm start`) takes
 * `--token` / `RAVN_ADMIN_TOKEN`; a deployed stack's admin URL (the `AdminUrl` output, a Lambda
 * function URL with AWS_IAM auth, or `--stack NAME` to read it from the stack's outputs) takes
 * requests signed with SigV4 by the operator's AWS credentials (the default chain: environment,
 * profile, SSO), which the CLI does when no token is given.
 */
const USAGE = `usage: pnpm admin <command> [options] [--json]
commands: ${Object.keys(ADMIN_COMMANDS).join(', ')}
options:  --license-key K | --email E [--license HASH]   the license
          --instance-id I | --instance-name N           the device (device deactivate; trial reset: --instance-name)
          --reason TEXT  --limit N  --json
target:   --url URL --token T (local server) | --stack NAME [--region R] | --url ADMIN_URL [--region R]`;

/** Flags to body fields (kebab-case on the command line, the API's names in the body). */
const FIELDS: Readonly<Record<string, string>> = {
  'license-key': 'licenseKey',
  email: 'email',
  license: 'license',
  'instance-id': 'instanceId',
  'instance-name': 'instanceName',
  reason: 'reason',
  limit: 'limit',
};

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

/** Runs one command; the exit code: 0 done, 1 refused or failed, 2 bad usage. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const { command, body, json, target: where, auth } = parse(argv, io.env);
    // A deployed stack names its admin URL in its outputs (`AdminUrl`), read with the same credentials.
    const url =
      where.url ?? (await adminUrlOfStack(where.stack, auth.kind === 'sigv4' ? auth.region : ''));
    const target = `${url.replace(/\/+$/, '')}${ADMIN_COMMANDS[command]}`;
    const payload = JSON.stringify(body);
    const headers =
      auth.kind === 'token'
        ? { 'content-type': 'application/json', authorization: `Bearer ${auth.token}` }
        : await signedHeaders(target, payload, auth.region);
    const response = await fetch(target, { method: 'POST', headers, body: payload });
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
      io.err(`${message}\n${USAGE}\n`);
      return 2;
    }
    io.err(`could not reach the admin API: ${message}\n`);
    return 1;
  }
}

function parse(argv: string[], env: NodeJS.ProcessEnv) {
  const words: string[] = [];
  const flags: Record<string, string> = {};
  let json = false;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    if (arg === '--json') json = true;
    else if (arg.startsWith('--')) {
      const value = argv[index + 1];
      if (value === undefined || value.startsWith('--'))
        throw new UsageError(`${arg} needs a value`);
      flags[arg.slice(2)] = value;
      index += 1;
    } else words.push(arg);
  }
  const command = words.join(' ');
  if (!Object.hasOwn(ADMIN_COMMANDS, command)) throw new UsageError(`unknown command '${command}'`);
  const body: Record<string, unknown> = {};
  for (const [flag, value] of Object.entries(flags)) {
    if (flag === 'url' || flag === 'token' || flag === 'region' || flag === 'stack') continue;
    const field = FIELDS[flag];
    if (!field) throw new UsageError(`unknown option --${flag}`);
    body[field] = field === 'limit' ? Number(value) : value;
  }
  const stack = flags.stack;
  const url = flags.url ?? (stack ? undefined : env.RAVN_ADMIN_URL);
  const token = stack ? undefined : (flags.token ?? env.RAVN_ADMIN_TOKEN);
  if (!url && !stack) {
    throw new UsageError('no admin URL: pass --url or --stack, or set RAVN_ADMIN_URL');
  }
  const region = flags.region ?? (url ? functionUrlRegion(url) : undefined) ?? env.AWS_REGION;
  let auth: { kind: 'token'; token: string } | { kind: 'sigv4'; region: string };
  if (token) auth = { kind: 'token', token };
  else if (region) auth = { kind: 'sigv4', region };
  else {
    throw new UsageError(
      'no admin token (local server: --token or RAVN_ADMIN_TOKEN) and no region to sign for (deployed stack: --region or AWS_REGION)',
    );
  }
  const target: { url: string } | { stack: string; url?: undefined } = url
    ? { url }
    : { stack: stack as string };
  return { command: command as AdminCommand, body, json, target, auth };
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
