// CloudFront Function (cloudfront-js-2.0, viewer request) on the client endpoints. The shipped
// RAVN Mail client sends `GET /v1/validate` as a reachability probe before every validate (any
// answer means "online"); answering every method but POST here costs no Lambda invocation. The
// answer is the one the functions give (lambda/http/error-response.ts), so nothing but the cost
// changes; test/unit/edge/method-guard.test.ts keeps the two identical. OPTIONS goes on to the
// origin as before (CORS). Plain ES5 style: CloudFront Functions run a restricted runtime.

// biome-ignore lint/correctness/noUnusedVariables: CloudFront calls `handler` by name.
function handler(event) {
  var request = event.request;
  if (request.method === 'POST' || request.method === 'OPTIONS') return request;
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
