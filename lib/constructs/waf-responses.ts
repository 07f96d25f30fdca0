import type { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { WAF_RATE_WINDOW_SECONDS } from '#config/waf.ts';

/**
 * The web ACL's answers to the requests it blocks, in the functions' error shape
 * (`lambda/http/error-response.ts`), so a client parses a block like any other refusal. WAF
 * serves a fixed body and cannot fill in a request id: `requestId` is empty, and CloudFront's id
 * for the request is in the `x-amz-cf-id` response header.
 */
const errorBody = (code: string, message: string, details: string): string =>
  JSON.stringify({ error: message, message, details, code, requestId: '' });

/** Custom response bodies by key: the `customResponseBodies` of the web ACL. */
export const BLOCK_BODIES = {
  RateLimited: errorBody(
    'RATE_LIMITED',
    'Too many requests from this network address; try again later.',
    'Wait the number of seconds in Retry-After, then retry.',
  ),
  RequestBlocked: errorBody(
    'REQUEST_BLOCKED',
    'The request was blocked by the firewall.',
    'If this happens on an ordinary network, contact support and quote the x-amz-cf-id response header.',
  ),
} as const;

export type BlockBodyKey = keyof typeof BLOCK_BODIES;

/** The `customResponseBodies` property: every body as JSON. */
export function customResponseBodies(): Record<string, CfnWebACL.CustomResponseBodyProperty> {
  return Object.fromEntries(
    Object.entries(BLOCK_BODIES).map(([key, content]) => [
      key,
      { contentType: 'APPLICATION_JSON', content },
    ]),
  );
}

// The functions never let an error answer be cached; neither does the firewall.
const noStore: CfnWebACL.CustomHTTPHeaderProperty = { name: 'Cache-Control', value: 'no-store' };

/** Block a rate rule's request: 429 with the window as `Retry-After`, the longest wait needed. */
export const RATE_LIMITED: CfnWebACL.RuleActionProperty = {
  block: {
    customResponse: {
      responseCode: 429,
      customResponseBodyKey: 'RateLimited' satisfies BlockBodyKey,
      responseHeaders: [{ name: 'Retry-After', value: String(WAF_RATE_WINDOW_SECONDS) }, noStore],
    },
  },
};

/** Block a request a managed rule matched: 403. */
export const REQUEST_BLOCKED: CfnWebACL.RuleActionProperty = {
  block: {
    customResponse: {
      responseCode: 403,
      customResponseBodyKey: 'RequestBlocked' satisfies BlockBodyKey,
      responseHeaders: [noStore],
    },
  },
};
