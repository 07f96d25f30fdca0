import { pathToFileURL } from 'node:url';
import { ADMIN_COMMANDS, type AdminCommand } from '#config/admin.ts';
import { formatAnswer } from './admin-format.ts';

/**
 * `pnpm admin <command> [options] [--json]`: the operators' CLI for the admin API.
 *
 * Target: `--url` / `RAVN_ADMIN_URL` (the local server's base URL, printed by `pnpm start`) with
 * `--token` / `RAVN_ADMIN_TOKEN`. A deployed stack's admin URL takes SigV4-signed requests
 * (AWS_IAM); no SigV4 signer is installed in this project yet, so this CLI speaks the token mode
 * only: see README, "Operators: admin API and CLI", for calling a deployed stack.
 */
const USAGE = `usage: pnpm admin <command> [options] [--json]
commands: ${Object.keys(ADMIN_COMMANDS).join(', ')}
options:  --license-key K | --email E [--license HASH]   the license
          --instance-id I | --instance-name N           the device (device deactivate; trial reset: --instance-name)
          --reason TEXT  --limit N  --url URL  --token T  --json`;

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
    const { command, body, json, url, token } = parse(argv, io.env);
    const response = await fetch(`${url.replace(/\/+$/, '')}${ADMIN_COMMANDS[command]}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
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
    if (flag === 'url' || flag === 'token') continue;
    const field = FIELDS[flag];
    if (!field) throw new UsageError(`unknown option --${flag}`);
    body[field] = field === 'limit' ? Number(value) : value;
  }
  const url = flags.url ?? env.RAVN_ADMIN_URL;
  const token = flags.token ?? env.RAVN_ADMIN_TOKEN;
  if (!url) throw new UsageError('no admin URL: pass --url or set RAVN_ADMIN_URL');
  if (!token) {
    throw new UsageError(
      'no admin token: pass --token or set RAVN_ADMIN_TOKEN (SigV4 for deployed stacks is not supported by this CLI yet)',
    );
  }
  return { command: command as AdminCommand, body, json, url, token };
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
