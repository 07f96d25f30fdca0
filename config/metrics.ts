/**
 * The service's own CloudWatch metrics: published by the functions as embedded metric format
 * (EMF) lines on stdout (no API call), read by the dashboard and alarms in lib/. One catalogue
 * for both sides, so a renamed metric is a compile error rather than an empty graph.
 *
 * Every metric also carries `service`, the function's name. Dimension values are codes and
 * names from closed sets (error codes, rate-limit policies, call points, event names), never a
 * license, key, email or device: each distinct combination is a billed custom metric, and a
 * dimension is readable by anyone who can read the dashboard.
 */
export const METRICS_NAMESPACE = 'RavnActivate';

/** The dimension every metric carries: the function's name (`ravn-validate`, …). */
export const SERVICE_DIMENSION = 'service';

interface MetricSpec {
  readonly unit: 'Count' | 'None';
  readonly dimensions: readonly string[];
  /**
   * Also published with no dimension at all: the deployment's total over every function and
   * dimension value, one metric an alarm can read (alarms take no search expression, and at
   * most 10 metrics). Each such total is one more custom metric.
   */
  readonly total?: boolean;
}

export const METRICS = {
  /** A trial was started (its key, for SaaS trials, counts in AiKeysIssued too). */
  TrialsStarted: { unit: 'Count', dimensions: [] },
  /** An activation answered 200: `Result` new (the device took a seat) or repeat. */
  Activations: { unit: 'Count', dimensions: ['Result'] },
  /** An activation answered with a refusal (`Code`: LICENSE_NOT_FOUND, RATE_LIMITED, …). */
  ActivationsRefused: { unit: 'Count', dimensions: ['Code'] },
  /**
   * A validate, by `Status` (the wire status: active, trial, expired, suspended; refused for a
   * 4xx; failed for a thrown error) and `Code` (the refusal or error code, NONE otherwise).
   */
  Validates: { unit: 'Count', dimensions: ['Status', 'Code'] },
  /** An OpenRouter key was issued (a trial's or a period's). */
  AiKeysIssued: { unit: 'Count', dimensions: [] },
  /** An OpenRouter key was disabled because the license may no longer be used. */
  AiKeysRevoked: { unit: 'Count', dimensions: [] },
  /** A disabled key of the current period was enabled again. */
  AiKeysReEnabled: { unit: 'Count', dimensions: [] },
  /** USD of credit put on newly issued keys (each key's limit); re-enabling adds none. */
  CreditIssuedUsd: { unit: 'None', dimensions: [], total: true },
  /** One HTTP exchange with an upstream, by `Upstream` and `CallPoint` (the adapter's call). */
  UpstreamCalls: { unit: 'Count', dimensions: ['Upstream', 'CallPoint'], total: true },
  /** An exchange that failed: no answer, 429/5xx, or an answer we could not use. */
  UpstreamErrors: { unit: 'Count', dimensions: ['Upstream', 'CallPoint'], total: true },
  /** A License API call our own LemonSqueezy budget did not make (UPSTREAM_BUSY). */
  UpstreamBusy: { unit: 'Count', dimensions: ['Priority'] },
  /** A request an in-app rate limit refused (429 RATE_LIMITED), by `Policy`. */
  RateLimited: { unit: 'Count', dimensions: ['Policy'] },
  /** A verified webhook delivery by `Event` (other: not acted on) and `Outcome`. */
  WebhookEvents: { unit: 'Count', dimensions: ['Event', 'Outcome'] },
  /** A license the reconciler confirmed with LemonSqueezy (its facts were over a day old). */
  LicensesReconciled: { unit: 'Count', dimensions: [] },
  /**
   * A key whose state at OpenRouter was out of step with its license (an enable or disable that
   * failed between its two writes) and was put back in step by the reaper or the reconciler.
   */
  AiKeysSettled: { unit: 'Count', dimensions: [] },
  /**
   * A full order refund the reconciler found at LemonSqueezy that no webhook had brought (a lost
   * `order_refunded`), applied as the webhook would have.
   */
  RefundsRecovered: { unit: 'Count', dimensions: [] },
  /** A device claim left pending past its lease that the reconciler settled (seat freed). */
  LostSeatsSettled: { unit: 'Count', dimensions: [] },
  /** A seat the reaper freed because its device was idle past `release_after_days`. */
  IdleDevicesReleased: { unit: 'Count', dimensions: [] },
  /**
   * A license LemonSqueezy refused while we hold it usable, not confirmed yet (a 404 or a
   * `disabled`/`expired` answer no webhook announced), by `Answer` (not-found, disabled,
   * expired): counted once per license when the refusal is first marked. Many at once is a
   * LemonSqueezy incident (transient 404s), and its total is alarmed on.
   */
  UnconfirmedRefusals: { unit: 'Count', dimensions: ['Answer'], total: true },
  /** A scheduled sweep's run that ended early, by `Sweep` and `Reason` (upstream, cap). */
  SweepsStopped: { unit: 'Count', dimensions: ['Sweep', 'Reason'] },
  /**
   * A license a scheduled sweep passed over, by `Sweep`: its own share of LemonSqueezy's budget
   * was spent (its requests used it this minute); the run went on, the next visits it again.
   */
  SweepsSkipped: { unit: 'Count', dimensions: ['Sweep'] },
} as const satisfies Readonly<Record<string, MetricSpec>>;

export type MetricName = keyof typeof METRICS;

/** The metrics counted one occurrence at a time. */
export type CountMetric = {
  [N in MetricName]: (typeof METRICS)[N]['unit'] extends 'Count' ? N : never;
}[MetricName];

/** The metrics that add up dollars. */
export type UsdMetric = Exclude<MetricName, CountMetric>;

/** The dimension values metric `N` needs, every one of them. */
export type DimensionsOf<N extends MetricName> = Readonly<
  Record<(typeof METRICS)[N]['dimensions'][number], string>
>;

/** A metric's dimensions as call arguments: none for a metric without dimensions. */
export type DimensionArgs<N extends MetricName> =
  (typeof METRICS)[N]['dimensions'] extends readonly [] ? [] : [dimensions: DimensionsOf<N>];

/** The `Code` of a validate or activation that carried none. */
export const NO_CODE = 'NONE';
