import type { ConfiguredSecrets } from '#adapters/ssm/secrets.ts';
import { DomainError } from '#domain/errors.ts';
import type { ServiceLogger } from '#services/service-deps.ts';
import { type KeySet, parseKeySet } from './key-set.ts';

/** What a client is told when no lease can be signed: nothing about the key set itself. */
const UNSIGNABLE = 'Licenses cannot be signed right now; try again later.';

type Parsed = { raw: string; set: KeySet } | { raw: string; problem: string };

/**
 * The lease signing key set, read through `ConfiguredSecrets` (SSM SecureString in AWS, cached
 * `SECRETS_CACHE_SECONDS`; a value locally) and parsed once per value: a warm request compares
 * one string and reuses the KeyObjects. A missing or malformed set is a 503 (`UPSTREAM_ERROR`)
 * whose message holds nothing of the set; the log says what is wrong, once per value.
 */
export class SigningKeys {
  private parsed: Parsed | undefined;

  constructor(
    private readonly secrets: ConfiguredSecrets,
    private readonly logger: ServiceLogger,
  ) {}

  /** Whether this function has a key set at all (the webhook and the reaper have none). */
  get configured(): boolean {
    return this.secrets.has('signingKey');
  }

  /** The current key set; throws `UPSTREAM_ERROR` if it is missing or unusable. */
  async current(): Promise<KeySet> {
    if (!this.configured) {
      this.logger.error('signing key set unusable', { problem: 'none is configured' });
      throw new DomainError('UPSTREAM_ERROR', UNSIGNABLE, { retryable: true });
    }
    const raw = await this.secrets.get('signingKey');
    if (this.parsed?.raw !== raw) {
      this.parsed = parse(raw);
      if ('problem' in this.parsed) {
        this.logger.error('signing key set unusable', { problem: this.parsed.problem });
      }
    }
    if ('set' in this.parsed) return this.parsed.set;
    throw new DomainError('UPSTREAM_ERROR', UNSIGNABLE, { retryable: true });
  }
}

function parse(raw: string): Parsed {
  try {
    return { raw, set: parseKeySet(raw) };
  } catch (error) {
    // KeySetError messages name fields and kids only; anything else is reported by its kind.
    const named = error instanceof Error && error.name === 'KeySetError';
    return { raw, problem: named ? (error as Error).message : 'unreadable' };
  }
}
