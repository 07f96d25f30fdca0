/**
 * Structured logging for services, adapters and routes; Powertools Logger fits it (`createDeps`
 * builds one). Never pass a secret.
 */
export interface ServiceLogger {
  info(message: string, ...extra: Array<Record<string, unknown>>): void;
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
  error(message: string, ...extra: Array<Record<string, unknown>>): void;
}
