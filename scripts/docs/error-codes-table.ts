import { UNROUTED_ERRORS } from '#config/route-errors.ts';
import { methodOf, ROUTE_PATHS, type RoutePath } from '#config/routes.ts';
import { ERROR_MEANINGS } from '#domain/error-meanings.ts';
import { ERROR_CODES, type ErrorCode } from '#domain/errors.ts';
import { codeToStatus } from '#http/error-response.ts';
import { codesOf } from '#http/openapi/error-responses.ts';
import { OPERATIONS } from '#http/openapi/operations.ts';
import { markdownTable } from '../../bench/stats.ts';
import { cell } from './markers.ts';

const POST_PATHS = ROUTE_PATHS.filter((path) => methodOf(path) === 'POST');

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((item) => b.includes(item));

/** The public routes that can answer `code`, as the API description lists them. */
function routesCell(code: ErrorCode): string {
  const paths = ROUTE_PATHS.filter((path: RoutePath) =>
    codesOf(path, OPERATIONS[path]).includes(code),
  );
  if (sameSet(paths, ROUTE_PATHS)) return 'every route';
  if (sameSet(paths, POST_PATHS)) return 'every POST route';
  if (paths.length > 0) return paths.map((path) => `\`${path}\``).join(', ');
  return UNROUTED_ERRORS.includes(code) ? 'any other path' : '–';
}

/**
 * docs/api.md's table: every code of ERROR_CODES with the status `codeToStatus` gives it, the
 * routes the API description (config/route-errors.ts and the builder's route kinds) says can
 * answer it, and its meaning (lambda/domain/error-meanings.ts); by status, then in
 * ERROR_CODES order.
 */
export function errorCodesTable(): string {
  const rows = ERROR_CODES.map((code, index) => ({ code, index, status: codeToStatus(code) }));
  rows.sort((a, b) => a.status - b.status || a.index - b.index);
  return markdownTable(
    ['Code', 'Status', 'Routes', 'Meaning'],
    rows.map(({ code, status }) => [
      `\`${code}\``,
      String(status),
      routesCell(code),
      cell(ERROR_MEANINGS[code]),
    ]),
  );
}
