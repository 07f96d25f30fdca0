import { Duration } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachedMethods,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginRequestCookieBehavior,
  OriginRequestHeaderBehavior,
  OriginRequestPolicy,
  OriginRequestQueryStringBehavior,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  CLIENT_PATHS,
  CORS_PREFLIGHT,
  FORWARDED_HEADERS,
  ORIGIN_HEADER,
  PUBLIC_MAX_AGE_SECONDS,
  PUBLIC_PATHS,
} from '#config/edge.ts';
import { type FunctionName, ROUTE_PATHS, ROUTES } from '#config/routes.ts';
import { ORIGIN_READ_TIMEOUT_SECONDS } from '#config/time-budget.ts';
import { methodGuardCode } from '#lambda/edge/method-guard-code.ts';
import { acknowledge } from '../nag.ts';

export interface EdgeProps {
  /** Each function's URL: the origin of the paths config/routes.ts gives it. */
  readonly origins: Readonly<Record<FunctionName, FunctionUrl>>;
  readonly originSecret: ISecret;
  /**
   * Origins a browser may call the API from (`*`: any web page). Empty: no CORS, so CloudFront
   * adds no CORS header and the method guard answers OPTIONS 405 like any other method.
   */
  readonly corsOrigins: readonly string[];
  /** Custom domain and its us-east-1 ACM certificate; both or neither. */
  readonly domain?: { readonly name: string; readonly certificateArn: string } | undefined;
  /** WAFv2 web ACL (scope CLOUDFRONT) to attach, if any. */
  readonly webAclArn?: string | undefined;
  /**
   * Changing it updates the distribution, which makes CloudFormation resolve the origin secret
   * again (it resolves `{{resolve:…}}` only for resources it updates): see docs/deploy.md.
   */
  readonly originSecretRotation?: string | undefined;
}

// HSTS and friends: the API serves JSON only, never a page to frame or a script to run.
const securityHeaders = {
  strictTransportSecurity: {
    accessControlMaxAge: Duration.days(730),
    includeSubdomains: true,
    override: true,
  },
  contentTypeOptions: { override: true },
  frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
  referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
  contentSecurityPolicy: {
    contentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
    override: true,
  },
};

const clientPaths: ReadonlySet<string> = new Set(CLIENT_PATHS);
const publicPaths: ReadonlySet<string> = new Set(PUBLIC_PATHS);

/**
 * The front door: one CloudFront distribution, HTTPS only, every path of config/routes.ts routed
 * to its function's URL with the shared origin secret added, optionally behind a WAF web ACL.
 * Nothing is cached but the public GET documents (`/v1/keys`, `/v1/openapi.json`), for at most
 * an hour; `/health` never is.
 */
export class Edge extends Construct {
  readonly distribution: Distribution;
  /** The host clients and LemonSqueezy call: the custom domain, else the cloudfront.net one. */
  readonly publicDomainName: string;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    const cors = props.corsOrigins.length > 0;
    const apiHeaders = new ResponseHeadersPolicy(this, 'ApiHeaders', {
      comment: cors
        ? 'ravn-activate client endpoints: CORS for POST + security headers'
        : 'ravn-activate client endpoints: security headers, no CORS',
      ...(cors
        ? {
            corsBehavior: {
              accessControlAllowCredentials: false,
              accessControlAllowHeaders: [...CORS_PREFLIGHT.allowHeaders],
              accessControlAllowMethods: [...CORS_PREFLIGHT.allowMethods],
              accessControlAllowOrigins: [...props.corsOrigins],
              accessControlMaxAge: Duration.seconds(CORS_PREFLIGHT.maxAgeSeconds),
              originOverride: true,
            },
          }
        : {}),
      securityHeadersBehavior: securityHeaders,
    });
    // LemonSqueezy calls the webhook server to server: no browser, so no CORS.
    const webhookHeaders = new ResponseHeadersPolicy(this, 'WebhookHeaders', {
      comment: 'ravn-activate webhook: security headers',
      securityHeadersBehavior: securityHeaders,
    });

    const originRequests = new OriginRequestPolicy(this, 'OriginRequests', {
      comment: 'ravn-activate: the headers the functions read, and CloudFront-Viewer-Address',
      headerBehavior: OriginRequestHeaderBehavior.allowList(...FORWARDED_HEADERS),
      queryStringBehavior: OriginRequestQueryStringBehavior.none(),
      cookieBehavior: OriginRequestCookieBehavior.none(),
    });

    // Rendered as a {{resolve:secretsmanager:…}} reference: the value never enters the template.
    const customHeaders = { [ORIGIN_HEADER]: props.originSecret.secretValue.unsafeUnwrap() };
    // One origin per function URL, shared by every behaviour that routes to it. CloudFront waits
    // longer than the functions' own timeout, so a slow request gets the function's answer.
    const originOf = (url: FunctionUrl) =>
      new FunctionUrlOrigin(url, {
        customHeaders,
        readTimeout: Duration.seconds(ORIGIN_READ_TIMEOUT_SECONDS),
      });
    const origins: Record<FunctionName, FunctionUrlOrigin> = {
      activate: originOf(props.origins.activate),
      validate: originOf(props.origins.validate),
      webhook: originOf(props.origins.webhook),
    };
    const behavior = (
      origin: FunctionUrlOrigin,
      responseHeadersPolicy: ResponseHeadersPolicy,
    ): BehaviorOptions => ({
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // The headers the functions read and the viewer's address, never Host (FORWARDED_HEADERS).
      originRequestPolicy: originRequests,
      responseHeadersPolicy,
    });

    // Answers every method but POST at the edge: the shipped client's hourly `GET /v1/validate`
    // reachability probe then costs no Lambda invocation. With CORS on, OPTIONS goes on to the
    // function URL, which answers the preflight; with CORS off it is refused like the rest.
    const methodGuard = new EdgeFunction(this, 'MethodGuard', {
      comment: 'ravn-activate: 405 for non-POST client requests, at the edge',
      code: FunctionCode.fromInline(methodGuardCode({ passPreflights: cors })),
      runtime: FunctionRuntime.JS_2_0,
    });
    const clientBehavior = (origin: FunctionUrlOrigin): BehaviorOptions => ({
      ...behavior(origin, apiHeaders),
      functionAssociations: [
        { function: methodGuard, eventType: FunctionEventType.VIEWER_REQUEST },
      ],
    });

    // The public documents: the same origin and headers, GET/HEAD answers cached as the function
    // says (`public, max-age=3600`), never longer than PUBLIC_MAX_AGE_SECONDS, one copy for
    // everyone (no header, query or cookie in the key). No method guard: another method reaches
    // the function, which answers 405 `allow: GET, HEAD`, as the local server does.
    const publicCache = new CachePolicy(this, 'PublicDocuments', {
      comment: 'ravn-activate public documents (lease keys): as the origin says, at most 1 h',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(PUBLIC_MAX_AGE_SECONDS),
      queryStringBehavior: CacheQueryStringBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const publicBehavior = (origin: FunctionUrlOrigin): BehaviorOptions => ({
      ...behavior(origin, apiHeaders),
      cachedMethods: CachedMethods.CACHE_GET_HEAD,
      cachePolicy: publicCache,
    });
    const behaviorFor = (path: string, origin: FunctionUrlOrigin): BehaviorOptions => {
      if (publicPaths.has(path)) return publicBehavior(origin);
      if (clientPaths.has(path)) return clientBehavior(origin);
      // The webhook and the health probe (PROBE_PATHS): server to server, no CORS, no caching.
      return behavior(origin, webhookHeaders);
    };

    this.distribution = new Distribution(this, 'Distribution', {
      comment: props.originSecretRotation
        ? `ravn-activate API (origin secret ${props.originSecretRotation})`
        : 'ravn-activate API',
      httpVersion: HttpVersion.HTTP2_AND_3,
      // Unknown paths go to ravn-activate, which answers 404 in the API's error shape.
      defaultBehavior: behavior(origins.activate, apiHeaders),
      additionalBehaviors: Object.fromEntries(
        ROUTE_PATHS.map((path) => [path, behaviorFor(path, origins[ROUTES[path]])]),
      ),
      ...(props.domain
        ? {
            domainNames: [props.domain.name],
            certificate: Certificate.fromCertificateArn(
              this,
              'Certificate',
              props.domain.certificateArn,
            ),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
    });
    this.publicDomainName = props.domain?.name ?? this.distribution.distributionDomainName;

    acknowledge(
      this.distribution,
      'CFR1',
      'Licenses are sold worldwide through LemonSqueezy and the desktop client runs anywhere; there is no country to exclude.',
    );
    acknowledge(
      this.distribution,
      'CFR3',
      'Every request is logged by the function that serves it (Powertools JSON with the request id, 30-day retention) and WAF keeps sampled requests; CloudFront standard logs would need an ACL-enabled S3 bucket for no extra insight.',
    );
    if (!props.webAclArn) {
      acknowledge(
        this.distribution,
        'CFR2',
        'WAF is opt-in (--context enableWaf=true) because a web ACL and its managed rules cost a monthly fee; without it the functions still refuse requests that bypass CloudFront, cap bodies at 16 KB and give one trial per email and device.',
      );
    }
    if (!props.domain) {
      acknowledge(
        this.distribution,
        'CFR4',
        'Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose minimum protocol it fixes at TLSv1; set certificateArn and domainName to get TLSv1.2_2021.',
      );
    }
  }
}
