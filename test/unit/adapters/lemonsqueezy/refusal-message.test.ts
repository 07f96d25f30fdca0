import { describe, expect, it } from 'vitest';
import { refusalNamed } from '#adapters/lemonsqueezy/refusal-message.ts';

describe('refusalNamed', () => {
  it.each([
    [
      { activated: false, error: 'This license key has reached the activation limit.' },
      'activation-limit',
    ],
    [{ activated: false, error: 'ACTIVATION LIMIT reached' }, 'activation-limit'],
    [{ message: 'The activation limit of this key was reached.' }, 'activation-limit'],
    [{ valid: false, error: 'instance_id not found.' }, 'instance-gone'],
    [{ deactivated: false, error: 'Instance not found' }, 'instance-gone'],
    [{ valid: false, error: 'The instance ID not found.' }, 'instance-gone'],
  ])('reads %j as %s', (body, expected) => {
    // Act
    const named = refusalNamed(body);

    // Assess
    expect(named).toBe(expected);
  });

  it.each([
    { valid: false, error: 'license_key not found.' },
    { activated: false, error: 'This license key is disabled.' },
    { message: 'Too Many Attempts.' },
    { error: 42 },
    null,
    'activation limit',
  ])('names nothing in %j', (body) => {
    // Act
    const named = refusalNamed(body);

    // Assess
    expect(named).toBeUndefined();
  });
});
