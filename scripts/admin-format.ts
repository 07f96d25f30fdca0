/**
 * How `pnpm admin` prints answers for a person: aligned tables, one per section. `--json` skips
 * all this and prints the body as the API answered it.
 */
type Row = Record<string, unknown>;

/** A value as one table cell: objects flattened to `key=value` pairs, nulls as `-`. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'object') {
    return Object.entries(value as Row)
      .map(([key, inner]) => `${key}=${cell(inner)}`)
      .join(' ');
  }
  return String(value);
}

/** Rows as an aligned table under a header of `columns`. */
export function table(rows: Row[], columns: string[]): string {
  if (rows.length === 0) return '  (none)';
  const cells = rows.map((row) => columns.map((column) => cell(row[column])));
  const widths = columns.map((column, index) =>
    Math.max(column.length, ...cells.map((line) => (line[index] ?? '').length)),
  );
  const line = (values: string[]) =>
    `  ${values.map((value, index) => value.padEnd(widths[index] ?? 0)).join('  ')}`.trimEnd();
  return [line(columns), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join(
    '\n',
  );
}

/** A record's fields as `field  value` lines. */
function fields(record: Row, names: string[]): string {
  return table(
    names.map((name) => ({ field: name, value: record[name] })),
    ['field', 'value'],
  );
}

/** What changed between two states: the fields whose value differs, before and after. */
function changes(before: Row, after: Row): string {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const rows = names
    .filter((name) => cell(before[name]) !== cell(after[name]))
    .map((name) => ({ field: name, before: before[name], after: after[name] }));
  return rows.length === 0 ? '  (no change)' : table(rows, ['field', 'before', 'after']);
}

const AUDIT_COLUMNS = ['at', 'actor', 'action', 'detail'];

function licenseText(license: Row): string {
  const ai = (license.ai ?? null) as Row | null;
  return [
    `License ${cell(license.license)} (${cell(license.kind)})`,
    fields(license, ['status', 'access', 'customer', 'expiresAt', 'facts', 'subscription']),
    '',
    'Devices',
    table((license.devices ?? []) as Row[], ['instanceId', 'state', 'activatedAt', 'lastSeenAt']),
    '',
    'AI key',
    ai
      ? fields(ai, ['key', 'limit', 'limitRemaining', 'periodEnd', 'disabledAt', 'live'])
      : '  (none)',
    '',
    'Recent audit records',
    table((license.audit ?? []) as Row[], AUDIT_COLUMNS),
  ].join('\n');
}

/** The answer to `command` as text for a person. */
export function formatAnswer(command: string, body: Row): string {
  switch (command) {
    case 'license show':
      return ((body.licenses ?? []) as Row[]).map(licenseText).join('\n\n');
    case 'audit list':
      return table((body.records ?? []) as Row[], AUDIT_COLUMNS);
    case 'trial reset':
      return `Trial claims cleared:\n${table((body.cleared ?? []) as Row[], ['kind', 'license', 'claimedAt'])}`;
    case 'device deactivate':
      return fields(body, ['instanceId', 'status', 'deactivated_at', 'activation_usage']);
    default:
      return `License ${cell(body.license)}: ${command} done\n${changes(
        (body.before ?? {}) as Row,
        (body.after ?? {}) as Row,
      )}`;
  }
}
