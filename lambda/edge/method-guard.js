// CloudFront Function (cloudfront-js-2.0, viewer request) on the client endpoints. The shipped
// RAVN Mail client sends `GET /v1/validate` as a reachability probe before every validate (any
// answer means "online"); answering every method but POST here costs no Lambda invocation. The
// answer is the one the functions give (lambda/http/error-response.ts), so nothing but the cost
// changes; test/unit/edge/method-guard.test.ts keeps the two identical. Plain ES5 style:
// CloudFront Functions run a restricted runtime.

// Whether OPTIONS goes on to the function URL, whose CORS settings answer a browser's preflight.
// As committed, CORS is off (no origins listed): OPTIONS gets the 405 any other method gets, so
// no preflight ever succeeds. A deployment that lists origins (the `corsOrigins` setting) runs
// this file with `true` here (methodGuardCode in lambda/edge/edge-function.ts).
var PASS_PREFLIGHTS = false;

// biome-ignore lint/correctness/noUnusedVariables: CloudFront calls `handler` by name.
function handler(event) {
  var request = event.request;
  if (request.method === 'POST') return request;
  if (request.method === 'OPTIONS' && PASS_PREFLIGHTS) return request;
  var message = 'Only POST is supported.';
  return {
    statusCode: 405,
    statusDescription: 'Method Not Allowed',
    headers: {
      'content-type': { value: 'application/json' },
      'cache-control': { value: 'no-store' },
      allow: { value: 'POST' },
    },
    body: {
      encoding: 'text',
      data: JSON.stringify({
        error: message,
        message: message,
        details: 'Send the request as POST.',
        code: 'METHOD_NOT_ALLOWED',
        requestId: event.context.requestId,
      }),
    },
  };
}
