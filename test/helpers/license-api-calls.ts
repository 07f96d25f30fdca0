/** License API answers as the tests read them; which fields an answer carries is asserted, not typed. */
export interface LicenseAnswer {
  activated: boolean;
  valid: boolean;
  deactivated: boolean;
  error: string | null;
  license_key: {
    id: number;
    status: string;
    key: string;
    activation_limit: number | null;
    activation_usage: number;
    created_at: string;
    expires_at: string | null;
    test_mode: boolean;
  };
  instance: { id: string; name: string; created_at: string };
  meta: Record<string, unknown>;
  message: string;
  errors: Record<string, string[]>;
}

/** One License API call against a LemonSqueezy double, as JSON or as a form. */
export async function licenseCall(
  baseUrl: string,
  action: string,
  body: Record<string, string>,
  form = false,
): Promise<{ status: number; body: LicenseAnswer }> {
  const response = await fetch(`${baseUrl}/v1/licenses/${action}`, {
    method: 'POST',
    headers: {
      accept: 'application/json',
      'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
    },
    body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as LicenseAnswer };
}

/** `licenseCall` against `double`, its URL read at each call (a stand-in's double is per test). */
export function licenseCallsTo(double: { readonly url: string }) {
  return (action: string, body: Record<string, string>, form = false) =>
    licenseCall(double.url, action, body, form);
}
