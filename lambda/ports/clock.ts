/** The time source of the service; tests move it to reach period boundaries and TTLs. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
