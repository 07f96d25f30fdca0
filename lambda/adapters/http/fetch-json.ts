import { UpstreamError, type UpstreamName } from '#domain/errors.ts';
import type { ServiceMetrics } from '#ports/metrics.ts';

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
 * - no answer (timeout, reset, DNS) or 429/5xx: `UpstreamError` unavailable (503
 *   UPSTREAM_UNAVAILABLE, retry later);
 * - an answer that is not JSON: `UpstreamError` bad-response (503 UPSTREAM_ERROR);
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

/**
 * One upstream's exchanges, each named by its call point (`create-key`, `license-validate`: the
 * adapter's operation, a closed set) and counted in UpstreamCalls; a failure, whether of the
 * exchange or of the answer's interpretation (`unexpected`), in UpstreamErrors.
 */
export class UpstreamHttp {
  constructor(
    private readonly upstream: UpstreamName,
    private readonly metrics: ServiceMetrics,
  ) {}

  async fetchJson(call: string, request: JsonRequest): Promise<JsonResponse> {
    const dimensions = { Upstream: this.upstream, CallPoint: call };
    this.metrics.count('UpstreamCalls', dimensions);
    try {
      return await fetchJson(this.upstream, request);
    } catch (error) {
      this.metrics.count('UpstreamErrors', dimensions);
      throw error;
    }
  }

  /** `unexpectedAnswer` for an answer to `call`, counted as that call's error. */
  unexpected(call: string, what: string, status: number, cause?: unknown): UpstreamError {
    this.metrics.count('UpstreamErrors', { Upstream: this.upstream, CallPoint: call });
    return unexpectedAnswer(this.upstream, what, status, cause);
  }
}
