import type { ConfiguredSecrets } from '#adapters/ssm/secrets.ts';
import { DomainError } from '#domain/errors.ts';
import type { ServiceLogger } from '#ports/logger.ts';
import type { KeySet } from './key-set.ts';

/** What a client is told when no lease can be signed: nothing about the key set itself. */
const UNSIGNABLE = 'Licenses cannot be signed right now; try again later.';

type Parsed = { raw: string; set: KeySet } | { raw: string; problem: string };

/**
 * The lease signing key set, read through `ConfiguredSecrets` (SSM SecureString in AWS, cached
 * `SECRETS_CACHE_SECONDS`; a value locally) and parsed once per value: a warm request compares
 * nothing for `maxAgeMs`, then one string, and reuses the KeyObjects. A missing or malformed set is a 503 (`UPSTREAM_ERROR`)
 * whose message holds nothing of the set; the log says what is wrong, once per value.
 */
export class SigningKeys {
  private parsed: Parsed | undefined;

  /** When the raw set was last read (performance.now()), so warm requests skip the read. */
  private readAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly secrets: ConfiguredSecrets,
    private readonly logger: ServiceLogger,
    /** How long a read set is used before it is read again (the secrets' own cache age). */
    private readonly maxAgeMs: number,
  ) {}

  /** Whether this function has a key set at all (the webhook and the reaper have none). */
  get configured(): boolean {
    this.hasKeys ??= this.secrets.has('signingKey');
    return this.hasKeys;
  }

  /** Configuration does not change in a running function: asked once. */
  private hasKeys: boolean | undefined;

  /** The current key set; throws `UPSTREAM_ERROR` if it is missing or unusable. */
  async current(): Promise<KeySet> {
    if (!this.configured) {
      this.logger.error('signing key set unusable', { problem: 'none is configured' });
      throw new DomainError('UPSTREAM_ERROR', UNSIGNABLE, { retryable: true });
    }
    if (this.parsed && 'set' in this.parsed && performance.now() - this.readAt < this.maxAgeMs) {
      return this.parsed.set;
    }
    const raw = await this.secrets.get('signingKey');
    this.readAt = performance.now();
    if (this.parsed?.raw !== raw) {
      this.parsed = await parse(raw);
      if ('problem' in this.parsed) {
        this.logger.error('signing key set unusable', { problem: this.parsed.problem });
      }
    }
    if ('set' in this.parsed) return this.parsed.set;
    throw new DomainError('UPSTREAM_ERROR', UNSIGNABLE, { retryable: true });
  }
}

/**
 * The set's schema and parser, imported when a set is first read: a cold start evaluates zod
 * for the route it serves, not for the import of every function that builds `SigningKeys`.
 */
async function parse(raw: string): Promise<Parsed> {
  const { parseKeySet } = await import('./key-set.ts');
  try {
    return { raw, set: parseKeySet(raw) };
  } catch (error) {
    // KeySetError messages name fields and kids only; anything else is reported by its kind.
    const named = error instanceof Error && error.name === 'KeySetError';
    return { raw, problem: named ? (error as Error).message : 'unreadable' };
  }
}
