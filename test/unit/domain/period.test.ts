import { describe, expect, it } from 'vitest';
import { addPeriods, nextBoundaryAfter } from '#domain/period.ts';

const at = (iso: string) => new Date(iso);

describe('addPeriods', () => {
  it.each([
    ['2026-01-31T00:00:00.000Z', 1, '2026-02-28T00:00:00.000Z'],
    ['2026-01-31T00:00:00.000Z', 2, '2026-03-31T00:00:00.000Z'],
    ['2026-01-31T00:00:00.000Z', 3, '2026-04-30T00:00:00.000Z'],
    ['2026-01-31T00:00:00.000Z', 12, '2027-01-31T00:00:00.000Z'],
    ['2028-01-31T00:00:00.000Z', 1, '2028-02-29T00:00:00.000Z'],
    ['2026-01-15T00:00:00.000Z', 1, '2026-02-15T00:00:00.000Z'],
    ['2026-11-30T00:00:00.000Z', 3, '2027-02-28T00:00:00.000Z'],
  ])('clamps %s + %i month(s) to %s', (anchor, count, expected) => {
    // Act
    const result = addPeriods(at(anchor), 'monthly', count);

    // Assess
    expect(result.toISOString()).toBe(expected);
  });

  it('counts from the anchor, so a clamped month does not drift the day', () => {
    // Prepare
    const anchor = at('2026-01-31T00:00:00.000Z');

    // Act
    const viaFebruary = addPeriods(addPeriods(anchor, 'monthly', 1), 'monthly', 1);
    const fromAnchor = addPeriods(anchor, 'monthly', 2);

    // Assess
    expect(viaFebruary.toISOString()).toBe('2026-03-28T00:00:00.000Z');
    expect(fromAnchor.toISOString()).toBe('2026-03-31T00:00:00.000Z');
  });

  it('keeps the time of day of the anchor', () => {
    // Act
    const result = addPeriods(at('2026-01-31T13:45:10.123Z'), 'monthly', 1);

    // Assess
    expect(result.toISOString()).toBe('2026-02-28T13:45:10.123Z');
  });

  it('clamps a leap-day anchor to Feb 28 in common years and keeps Feb 29 in leap years', () => {
    // Act
    const nextYear = addPeriods(at('2028-02-29T00:00:00.000Z'), 'yearly', 1);
    const fourYears = addPeriods(at('2028-02-29T00:00:00.000Z'), 'yearly', 4);

    // Assess
    expect(nextYear.toISOString()).toBe('2029-02-28T00:00:00.000Z');
    expect(fourYears.toISOString()).toBe('2032-02-29T00:00:00.000Z');
  });

  it.each([
    ['weekly', 1, '2026-01-08T00:00:00.000Z'],
    ['weekly', 5, '2026-02-05T00:00:00.000Z'],
    ['quarterly', 1, '2026-04-01T00:00:00.000Z'],
    ['quarterly', 4, '2027-01-01T00:00:00.000Z'],
    ['yearly', 1, '2027-01-01T00:00:00.000Z'],
    ['yearly', 2, '2028-01-01T00:00:00.000Z'],
  ] as const)('moves on %s by %i to %s', (duration, count, expected) => {
    // Act
    const result = addPeriods(at('2026-01-01T00:00:00.000Z'), duration, count);

    // Assess
    expect(result.toISOString()).toBe(expected);
  });

  it('clamps a quarter from the end of a long month', () => {
    // Act
    const result = addPeriods(at('2026-08-31T00:00:00.000Z'), 'quarterly', 2);

    // Assess
    expect(result.toISOString()).toBe('2027-02-28T00:00:00.000Z');
  });

  it('throws for a lifetime plan', () => {
    // Act
    const act = () => addPeriods(at('2026-01-01T00:00:00.000Z'), 'lifetime', 1);

    // Assess
    expect(act).toThrow(/lifetime/);
  });

  it('does not modify the anchor', () => {
    // Prepare
    const anchor = at('2026-01-31T00:00:00.000Z');

    // Act
    addPeriods(anchor, 'monthly', 1);

    // Assess
    expect(anchor.toISOString()).toBe('2026-01-31T00:00:00.000Z');
  });
});

describe('nextBoundaryAfter', () => {
  const anchor = at('2026-01-31T00:00:00.000Z');

  it.each([
    ['before the first boundary', '2026-02-10T00:00:00.000Z', '2026-02-28T00:00:00.000Z'],
    ['exactly on a boundary', '2026-02-28T00:00:00.000Z', '2026-03-31T00:00:00.000Z'],
    ['just before a boundary', '2026-03-30T23:59:59.999Z', '2026-03-31T00:00:00.000Z'],
    ['many periods later', '2026-07-15T00:00:00.000Z', '2026-07-31T00:00:00.000Z'],
    ['before the anchor', '2025-12-01T00:00:00.000Z', '2026-02-28T00:00:00.000Z'],
  ])('returns the next monthly boundary when now is %s', (_case, now, expected) => {
    // Act
    const result = nextBoundaryAfter(anchor, 'monthly', at(now));

    // Assess
    expect(result.toISOString()).toBe(expected);
  });

  it('counts weeks from the anchor', () => {
    // Act
    const result = nextBoundaryAfter(
      at('2026-01-01T00:00:00.000Z'),
      'weekly',
      at('2026-01-20T00:00:00.000Z'),
    );

    // Assess
    expect(result.toISOString()).toBe('2026-01-22T00:00:00.000Z');
  });

  it('throws for a lifetime plan', () => {
    // Act
    const act = () => nextBoundaryAfter(anchor, 'lifetime', at('2026-02-01T00:00:00.000Z'));

    // Assess
    expect(act).toThrow(/lifetime/);
  });
});
