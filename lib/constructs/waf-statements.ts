import type { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { WEBHOOK_PATH } from '#config/routes.ts';

/** Metrics and sampled requests for a rule (or the web ACL) under `metricName`. */
export const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/**
 * The webhook, exactly as written and untransformed, as the function routes it: the requests
 * `notWebhook` exempts and only the webhook's own rate rule counts.
 */
export const webhookOnly: CfnWebACL.StatementProperty = {
  byteMatchStatement: {
    fieldToMatch: { uriPath: {} },
    positionalConstraint: 'EXACTLY',
    searchString: WEBHOOK_PATH,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
};

/**
 * Everything but the webhook. LemonSqueezy delivers it from a few IPs, each delivery is
 * HMAC-signed and checked before anything is parsed, and its bodies (up to 256 KB of customer
 * data, names and addresses a buyer typed) would trip generic body rules such as the common rule
 * set's 8 KB size limit: a blocked delivery is a lost billing event. Only the exact path is
 * exempt, untransformed, as the function routes it: any other spelling of it is inspected like
 * the rest (with STARTS_WITH, `/v1/webhook/../validate` would have skipped every rule).
 */
export const notWebhook: CfnWebACL.StatementProperty = {
  notStatement: { statement: webhookOnly },
};

/**
 * Requests for `path` as CloudFront routes them: CloudFront picks the behaviour after decoding
 * and resolving dot segments, so `/v1/%74rial` reaches the same function and counts here too.
 * Matching more spellings only widens the rate rule that uses it.
 */
export const pathIs = (path: string): CfnWebACL.StatementProperty => ({
  byteMatchStatement: {
    fieldToMatch: { uriPath: {} },
    positionalConstraint: 'EXACTLY',
    searchString: path,
    textTransformations: [
      { priority: 0, type: 'URL_DECODE' },
      { priority: 1, type: 'NORMALIZE_PATH' },
    ],
  },
});
