import { expect } from 'vitest';
import { ERROR_HINTS } from '#http/error-response.ts';

const hints: Readonly<Record<string, string>> = ERROR_HINTS;

/**
 * The whole error body a test expects, and nothing more: `message` repeats `error` and
 * `details` is the code's hint (the shipped client's `ErrorResponse` shape), beside our own
 * `error`, `code` and `requestId`. An unknown code expects no hint, so the comparison fails.
 */
export function errorBodyOf(
  code: string | undefined,
  error: unknown,
  requestId: unknown = expect.any(String),
) {
  const details = code !== undefined && Object.hasOwn(hints, code) ? hints[code] : undefined;
  return { error, message: error, details, code, requestId };
}
