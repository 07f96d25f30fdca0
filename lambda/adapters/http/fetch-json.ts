import { UpstreamError, type UpstreamName } from '#domain/errors.ts';

export interface JsonRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Already encoded body (JSON or form). */
  body?: string;
  timeoutMs: number;
}

/** An upstream answer whose body parsed as JSON (any status). */
export interface JsonResponse {
  status: number;
  body: unknown;
}

/**
 * One HTTP exchange with an upstream, classified the way callers need it:
 * - no answer (timeout, reset, DNS) or 429/5xx: `UpstreamError` unavailable (503, retry later);
 * - an answer that is not JSON: `UpstreamError` bad-response (502);
 * - any other JSON answer is returned, whatever its status, for the caller to interpret.
 * Upstream text never reaches the error message, which may be shown to clients.
 */
export async function fetchJson(
  upstream: UpstreamName,
  request: JsonRequest,
): Promise<JsonResponse> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    text = await response.text();
  } catch (cause) {
    const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
    throw new UpstreamError(
      upstream,
      'unavailable',
      timedOut ? 'did not answer in time.' : 'could not be reached.',
      {
        cause,
      },
    );
  }
  if (response.status === 429 || response.status >= 500) {
    throw new UpstreamError(upstream, 'unavailable', `is unavailable (HTTP ${response.status}).`, {
      status: response.status,
    });
  }
  try {
    return { status: response.status, body: text.length === 0 ? null : JSON.parse(text) };
  } catch (cause) {
    throw new UpstreamError(
      upstream,
      'bad-response',
      `sent an answer that is not JSON (HTTP ${response.status}).`,
      {
        status: response.status,
        cause,
      },
    );
  }
}

/** The error for a JSON answer we cannot use (unexpected status or shape). */
export function unexpectedAnswer(
  upstream: UpstreamName,
  what: string,
  status: number,
  cause?: unknown,
): UpstreamError {
  return new UpstreamError(
    upstream,
    'bad-response',
    `gave an unexpected answer to ${what} (HTTP ${status}).`,
    {
      status,
      cause,
    },
  );
}
