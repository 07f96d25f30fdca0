import {
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import {
  DEFAULT_PUBLISH_AHEAD_MS,
  retireKeys,
  rotateKeySet,
  serializeKeySet,
} from '#adapters/signing/key-rotation.ts';
import { type KeySetDocument, parseKeySet, readKeySetDocument } from '#adapters/signing/key-set.ts';
import { productsConfig } from '#config/products.ts';
import { parseCommandLine, usageError } from './cli-args.ts';

const USAGE = `usage: pnpm signing-key <rotate|retire|show> --param <SSM name> [options]
       pnpm signing-key help | --help

  rotate   put a new key in front of the set (creating the parameter if it does not exist); it is
           published at once and signs after --publish-ahead-hours (the first key signs at once)
  retire   drop the keys that stopped signing more than --retire-after-days ago
  show     print each key's kid and dates and the public JWKS (never a private key)

options:
  --region <region>              the parameter's region (default: the AWS SDK's)
  --publish-ahead-hours <hours>  rotate: how long the new key is published before it signs (${DEFAULT_PUBLISH_AHEAD_MS / 3_600_000})
  --retire                       rotate: also drop retired keys, as 'retire' does
  --retire-after-days <days>     retire: default the longest grace_days in config/products.json + 1
  --key-id <KMS key>             the key SSM encrypts the SecureString with (default aws/ssm)
  --dry-run                      print what would be written (public parts only); write nothing

An unknown option stops it before anything is read or written (exit 2).`;

const SPEC = {
  name: 'pnpm signing-key',
  usage: USAGE,
  commands: ['rotate', 'retire', 'show'],
  options: {
    param: { type: 'string' },
    region: { type: 'string' },
    'publish-ahead-hours': { type: 'string' },
    retire: { type: 'boolean' },
    'retire-after-days': { type: 'string' },
    'key-id': { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;
/** SSM standard tier: a larger value needs the advanced tier, which costs money. */
const MAX_VALUE_BYTES = 4096;

interface Options {
  command: string;
  param: string;
  region?: string;
  publishAheadMs: number;
  retire: boolean;
  retireAfterMs: number;
  keyId?: string;
  dryRun: boolean;
}

/**
 * `pnpm signing-key`: creates and rotates the lease signing key set in SSM Parameter Store
 * (SecureString). The pure steps (`rotateKeySet`, `retireKeys`) live in
 * lambda/adapters/signing/key-rotation.ts with their unit tests; this file is the SSM I/O.
 * Two operators rotating at the same moment would overwrite each other (SSM has no conditional
 * put): rotate from one place.
 */
async function main(): Promise<void> {
  const options = optionsOf(process.argv.slice(2));
  const ssm = new SSMClient(options.region ? { region: options.region } : {});
  const current = await readSet(ssm, options.param);
  const now = new Date();

  if (options.command === 'show') {
    if (!current) throw new Error(`${options.param} does not exist; create it with rotate`);
    print(current, now);
    return;
  }
  let next: KeySetDocument;
  let retired: string[] = [];
  if (options.command === 'rotate') {
    next = rotateKeySet(current, now, options.publishAheadMs);
    if (options.retire) ({ next, retired } = retireKeys(next, now, options.retireAfterMs));
  } else {
    if (!current) throw new Error(`${options.param} does not exist; create it with rotate`);
    ({ next, retired } = retireKeys(current, now, options.retireAfterMs));
    if (retired.length === 0) {
      process.stdout.write('no key to retire\n');
      print(current, now);
      return;
    }
  }
  const value = serializeKeySet(next);
  parseKeySet(value); // what the functions will read, checked before it is written
  if (Buffer.byteLength(value) > MAX_VALUE_BYTES) {
    throw new Error(`the key set would exceed ${MAX_VALUE_BYTES} bytes: retire old keys first`);
  }
  if (retired.length > 0) process.stdout.write(`retiring ${retired.join(', ')}\n`);
  print(next, now);
  if (options.dryRun) {
    process.stdout.write('dry run: nothing written\n');
    return;
  }
  await ssm.send(
    new PutParameterCommand({
      Name: options.param,
      Value: value,
      Type: 'SecureString',
      Overwrite: current !== undefined,
      ...(options.keyId ? { KeyId: options.keyId } : {}),
      ...(current ? {} : { Description: 'ravn-activate lease signing keys (pnpm signing-key)' }),
    }),
  );
  process.stdout.write(
    `wrote ${options.param}; functions pick it up within SECRETS_CACHE_SECONDS (5 minutes)\n`,
  );
}

async function readSet(ssm: SSMClient, name: string): Promise<KeySetDocument | undefined> {
  try {
    const answer = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    const value = answer.Parameter?.Value;
    return value ? readKeySetDocument(value) : undefined;
  } catch (error) {
    if (error instanceof ParameterNotFound) return undefined;
    throw error;
  }
}

/** The kids, their dates and the JWKS clients will see: nothing private. */
function print(document: KeySetDocument, now: Date): void {
  const set = parseKeySet(serializeKeySet(document));
  const signing = set.keys.find((key) => key.signsFrom <= now.getTime()) ?? set.keys.at(-1);
  for (const stored of document.keys) {
    const role = stored.kid === signing?.kid ? 'signs now' : '';
    process.stdout.write(
      `  ${stored.kid}  created ${stored.createdAt}  signs from ${stored.signsFrom ?? stored.createdAt}  ${role}\n`,
    );
  }
  process.stdout.write(`GET /v1/keys will answer:\n${JSON.stringify(set.jwks, null, 2)}\n`);
}

function optionsOf(args: string[]): Options {
  const parsed = parseCommandLine(args, SPEC);
  if (parsed.exit !== undefined) {
    (parsed.exit === 0 ? process.stdout : process.stderr).write(parsed.text);
    process.exit(parsed.exit);
  }
  const { values, command } = parsed;
  const number = (flag: keyof typeof values, raw: string | undefined, fallback: number) => {
    const parsedNumber = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(parsedNumber) || parsedNumber < 0) fail(`--${flag} must be a number ≥ 0`);
    return parsedNumber;
  };
  if (!values.param) fail('--param <SSM name> is required');
  return {
    command,
    param: values.param as string,
    ...(values.region ? { region: values.region } : {}),
    publishAheadMs:
      number(
        'publish-ahead-hours',
        values['publish-ahead-hours'],
        DEFAULT_PUBLISH_AHEAD_MS / 3_600_000,
      ) * 3_600_000,
    retire: values.retire === true,
    retireAfterMs:
      number('retire-after-days', values['retire-after-days'], longestGraceDays() + 1) * DAY_MS,
    ...(values['key-id'] ? { keyId: values['key-id'] } : {}),
    dryRun: values['dry-run'] === true,
  };
}

/** A lease is relied on offline until its grace_until: at most the longest plan grace. */
function longestGraceDays(): number {
  const plans = [productsConfig.trial, ...Object.values(productsConfig.products)];
  return Math.max(...plans.map((plan) => plan.grace_days));
}

function fail(problem: string): never {
  process.stderr.write(usageError(SPEC, problem).text);
  process.exit(2);
}

main().catch((error: unknown) => {
  // Our own messages and the SDK's (access denied, throttling) name no key material.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
