/**
 * The License API's rate limit (60 requests a minute, docs/upstreams.md, "Rate limits") as a
 * rolling 60 s window on the double's clock. A refused request does not use the window up.
 */
export class RateWindow {
  readonly #perMinute: number;
  readonly #now: () => Date;
  #recent: number[] = [];

  constructor(perMinute: number, now: () => Date) {
    this.#perMinute = perMinute;
    this.#now = now;
  }

  /** Whether one more request fits now; one that fits is counted. */
  admit(): boolean {
    const now = this.#now().getTime();
    this.#recent = this.#recent.filter((at) => now - at < 60_000);
    if (this.#recent.length >= this.#perMinute) return false;
    this.#recent.push(now);
    return true;
  }

  /** Whole seconds until the oldest counted request leaves the window (at least 1). */
  retryAfterSeconds(): number {
    const oldest = this.#recent[0];
    if (oldest === undefined) return 1;
    return Math.max(1, Math.ceil((oldest + 60_000 - this.#now().getTime()) / 1000));
  }
}
