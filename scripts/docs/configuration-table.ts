import * as z from 'zod';
import { adminEnvSchema } from '#lambda/admin-config.ts';
import { envSchema } from '#lambda/config.ts';
import { ADMIN_VARIABLE_MEANINGS, SERVICE_VARIABLE_MEANINGS } from '#lambda/config-meanings.ts';
import { markdownTable } from '../../bench/stats.ts';
import { cell } from './markers.ts';

interface VariableSchema {
  default?: unknown;
}

/** A schema's variables as a client sets them (`io: 'input'`: before coercion and transforms). */
function variablesOf(schema: z.ZodType): {
  properties: Record<string, VariableSchema>;
  required: string[];
} {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, VariableSchema>;
    required?: string[];
  };
  return { properties: json.properties ?? {}, required: json.required ?? [] };
}

function defaultOf(name: string, variable: VariableSchema, required: readonly string[]): string {
  if (required.includes(name)) return '(required)';
  if (variable.default === undefined) return '–';
  return `\`${String(variable.default)}\``;
}

/**
 * docs/configuration.md's table: every environment variable the functions read, from the zod
 * schemas of lambda/config.ts and lambda/admin-config.ts (name, default, required) and
 * lambda/config-meanings.ts (meaning), sorted by name.
 */
export function configurationTable(): string {
  const meanings: Record<string, string> = {
    ...SERVICE_VARIABLE_MEANINGS,
    ...ADMIN_VARIABLE_MEANINGS,
  };
  const rows = new Map<string, string[]>();
  for (const schema of [envSchema, adminEnvSchema]) {
    const { properties, required } = variablesOf(schema);
    for (const [name, variable] of Object.entries(properties)) {
      const meaning = meanings[name];
      if (meaning === undefined)
        throw new Error(`no meaning for ${name}: add it to config-meanings.ts`);
      rows.set(name, [`\`${name}\``, defaultOf(name, variable, required), cell(meaning)]);
    }
  }
  const sorted = [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return markdownTable(
    ['Variable', 'Default', 'Meaning'],
    sorted.map(([, row]) => row),
  );
}
