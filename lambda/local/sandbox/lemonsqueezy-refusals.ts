/** The License API calls a refusal control can apply to. */
export type LicenseAction = 'validate' | 'activate' | 'deactivate';

/**
 * LemonSqueezy answering `404 license_key not found.` for a key it holds, as during its incidents
 * (docs/upstreams.md, "Not found during incidents"): for one key or every key, for the next `calls`
 * calls and/or until `until` on the double's clock (whichever ends first; at least one of them).
 */
export interface TransientNotFound {
  /** The license key; every key when absent. */
  key?: string;
  calls?: number;
  /** ISO-8601 instant on the double's clock. */
  until?: string;
  /** Which calls answer 404: validate only by default (the reported case). */
  actions?: readonly LicenseAction[];
}

/**
 * Refusals sent bare (docs/upstreams.md, "Refusals sent bare"): the activation-limit refusal and an
 * unknown `instance_id` without `license_key`/`meta`, for one key or every key, at the given
 * statuses.
 */
export interface BareRefusals {
  key?: string;
  /** 400 (most reports) or 422. */
  limitStatus?: 400 | 422;
  /** 404 (as documented) or 400. */
  instanceStatus?: 404 | 400;
}

interface ArmedNotFound {
  key: string | undefined;
  remaining: number;
  until: number;
  actions: readonly LicenseAction[];
}

/** The refusal controls of the LemonSqueezy double, consulted by its License API. */
export class RefusalControls {
  readonly #now: () => Date;
  #notFound: ArmedNotFound[] = [];
  #bare: BareRefusals | undefined;

  constructor(now: () => Date) {
    this.#now = now;
  }

  answerNotFound(rule: TransientNotFound): void {
    if (rule.calls === undefined && rule.until === undefined) {
      throw new RangeError('a transient 404 needs calls, until, or both');
    }
    if (rule.calls !== undefined && !(rule.calls >= 1)) {
      throw new RangeError(`calls must be >= 1, got ${rule.calls}`);
    }
    const until = rule.until === undefined ? Number.POSITIVE_INFINITY : Date.parse(rule.until);
    if (Number.isNaN(until)) throw new RangeError(`until is not a date: ${rule.until}`);
    this.#notFound.push({
      key: rule.key,
      remaining: rule.calls ?? Number.POSITIVE_INFINITY,
      until,
      actions: rule.actions ?? ['validate'],
    });
  }

  answerBare(options: BareRefusals | false): void {
    this.#bare = options === false ? undefined : options;
  }

  clear(): void {
    this.#notFound = [];
    this.#bare = undefined;
  }

  /** Whether this call of `action` for `key` answers a transient 404 (one call used up). */
  takeNotFound(action: LicenseAction, key: string): boolean {
    const now = this.#now().getTime();
    this.#notFound = this.#notFound.filter((rule) => rule.remaining > 0 && now < rule.until);
    const rule = this.#notFound.find(
      (candidate) =>
        (candidate.key === undefined || candidate.key === key) &&
        candidate.actions.includes(action),
    );
    if (!rule) return false;
    rule.remaining -= 1;
    return true;
  }

  /** The bare-refusal settings that apply to `key`, if any. */
  bareFor(key: string): BareRefusals | undefined {
    const bare = this.#bare;
    return bare && (bare.key === undefined || bare.key === key) ? bare : undefined;
  }
}
