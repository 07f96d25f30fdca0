import { describe, expect, it } from 'vitest';
import { rateLimited } from '#domain/outcome.ts';

describe('rateLimited', () => {
  it('refuses with RATE_LIMITED, when it lifts in whole seconds (at least 1), and the limit', () => {
    // Prepare
    const limit = { name: 'trial', max: 5, windowSeconds: 3600 };
    const now = new Date('2026-03-10T12:59:59.500Z');

    // Act
    const refusal = rateLimited('trial', limit, new Date('2026-03-10T13:00:00.000Z'), now);

    // Assess
    expect(refusal).toMatchObject({
      ok: false,
      code: 'RATE_LIMITED',
      retry: { at: '2026-03-10T13:00:00.000Z', afterSeconds: 1 },
      limit,
    });
  });
});
