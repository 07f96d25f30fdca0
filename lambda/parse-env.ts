import type * as z from 'zod';

/**
 * `env` parsed by `schema`, an empty variable counting as unset (a template that exports `FOO=`
 * gets the default); throws naming every missing or malformed variable, never a value.
 * `moreProblems` adds checks across variables.
 */
export function parseEnv<Schema extends z.ZodType>(
  schema: Schema,
  env: NodeJS.ProcessEnv,
  moreProblems: (present: Record<string, string>) => string[] = () => [],
): z.infer<Schema> {
  const present = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
  // Parsed once per cold start: zod's JIT (a compiled parser per object shape) would cost more
  // than it saves (config/products.ts).
  const parsed = schema.safeParse(present, { jitless: true });
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  problems.push(...moreProblems(present));
  if (!parsed.success || problems.length > 0) {
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
