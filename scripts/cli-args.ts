import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

/** What a CLI accepts, for `parseCommandLine`. */
export interface CommandLineSpec<O extends ParseArgsOptionsConfig> {
  /** How it is run (`pnpm admin`): every message starts with it. */
  name: string;
  /** Printed for `--help`, `-h` and `help` (stdout, exit 0) and when no command is given. */
  usage: string;
  /** Its flags; `--help`/`-h` are added. */
  options: O;
  /** Subcommands, each one or more words (`license show`): the positionals must spell one. */
  commands?: readonly string[];
  /** Without `commands`: how many positionals it takes (default none) and what they are. */
  positionals?: { name: string; min: number; max: number };
}

type Values<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>
>['values'];

/** A command line that parsed: the flags' values, the command (with `commands`) and positionals. */
export interface ParsedCommandLine<O extends ParseArgsOptionsConfig> {
  exit?: undefined;
  values: Values<O>;
  command: string;
  positionals: string[];
}

/** The CLI should stop here: print `text` to stdout (exit 0) or stderr (exit 2). */
export interface CommandLineExit {
  exit: 0 | 2;
  text: string;
}

/**
 * Parses `argv` with `node:util` `parseArgs`, strictly: an unknown flag, a flag missing its value
 * or a stray word is a one-line message naming it and pointing at `--help`, exit 2, before the
 * CLI does anything. `--help`, `-h` or a first word `help` print the usage, exit 0.
 */
export function parseCommandLine<O extends ParseArgsOptionsConfig>(
  argv: readonly string[],
  spec: CommandLineSpec<O>,
): ParsedCommandLine<O> | CommandLineExit {
  // `pnpm x -- --flag` passes the `--` on; it separates nothing here.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const end = args.indexOf('--');
  const flags = end < 0 ? args : args.slice(0, end);
  if (flags.includes('--help') || flags.includes('-h') || args[0] === 'help') {
    return { exit: 0, text: `${spec.usage}\n` };
  }
  let parsed: { values: Values<O>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: spec.options, allowPositionals: true, strict: true });
  } catch (error) {
    return usageError(spec, parseFailure(error, args, spec.options));
  }
  const { positionals } = parsed;
  if (spec.commands) {
    const command = positionals.join(' ');
    if (!command) return { exit: 2, text: `${spec.usage}\n` };
    if (!spec.commands.includes(command)) return usageError(spec, `unknown command '${command}'`);
    return { values: parsed.values, command, positionals: [] };
  }
  const wanted = spec.positionals ?? { name: 'argument', min: 0, max: 0 };
  if (positionals.length < wanted.min) return usageError(spec, `missing <${wanted.name}>`);
  if (positionals.length > wanted.max) {
    return usageError(spec, `unexpected argument '${positionals[wanted.max]}'`);
  }
  return { values: parsed.values, command: '', positionals };
}

/** The one-line refusal every CLI gives for bad usage. */
export function usageError(spec: { name: string }, problem: string): CommandLineExit {
  return { exit: 2, text: `${spec.name}: ${problem} (${spec.name} --help shows the usage)\n` };
}

/** Our own words for `parseArgs`' errors, naming the flag as it was typed. */
function parseFailure(error: unknown, args: string[], options: ParseArgsOptionsConfig): string {
  const code = (error as { code?: string }).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const unknown = args.find((arg) => arg.startsWith('-') && !known(arg, options));
    return `unknown option '${unknown ?? 'unknown'}'`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // Node names the flag as `'--name <value>'` or `'-n, --name'`.
    const name = /--([A-Za-z0-9-]+)/.exec(String((error as Error).message))?.[1];
    if (name && options[name]?.type === 'boolean') return `--${name} takes no value`;
    if (name && /ambiguous/.test(String((error as Error).message))) {
      return `--${name}'s value starts with '-': write it as --${name}=<value>`;
    }
    if (name) return `--${name} needs a value`;
  }
  return error instanceof Error ? error.message : String(error);
}

function known(arg: string, options: ParseArgsOptionsConfig): boolean {
  if (arg === '-' || arg === '--') return true;
  if (arg.startsWith('--')) return Object.hasOwn(options, arg.slice(2).split('=')[0] as string);
  // A short flag group (`-abc`): each letter must be some option's `short`.
  const shorts = new Set(Object.values(options).map((option) => option.short));
  return [...arg.slice(1)].every((letter) => shorts.has(letter));
}
