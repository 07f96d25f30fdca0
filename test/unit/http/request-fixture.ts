import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { DomainError } from '#domain/errors.ts';
import { apiEvent } from '#local/api-event.ts';

export interface EventOptions {
  body?: string;
  headers?: Record<string, string>;
  method?: string;
  isBase64Encoded?: boolean;
}

/** A request to /v1/activate as a function URL delivers it (POST, JSON unless told otherwise). */
export function event(options: EventOptions = {}): APIGatewayProxyEventV2 {
  return apiEvent({
    path: '/v1/activate',
    method: options.method ?? 'POST',
    headers: options.headers ?? { 'content-type': 'application/json' },
    body: options.body,
    isBase64Encoded: options.isBase64Encoded ?? false,
  });
}

export function jsonEvent(value: unknown, options: EventOptions = {}): APIGatewayProxyEventV2 {
  return event({ body: JSON.stringify(value), ...options });
}

/** The `DomainError` that `act` throws (fails the test if it returns). */
export function thrown(act: () => unknown): DomainError {
  try {
    act();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a throw');
}

export const ACTIVATE = { licenseKey: 'key-1', instanceName: 'machine-1' };
