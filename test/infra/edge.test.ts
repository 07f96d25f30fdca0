import { readFileSync } from 'node:fs';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { CachePolicy } from 'aws-cdk-lib/aws-cloudfront';
import { describe, expect, it } from 'vitest';
import { readBuildInfo } from '#config/build-info.ts';
import { CLIENT_PATHS, FORWARDED_HEADERS, PROBE_PATHS, PUBLIC_PATHS } from '#config/edge.ts';
import { METHOD_GUARD_PATH } from '#lambda/edge/method-guard-code.ts';
import { useSynthesisedApp } from '#test/infra/synth-app.ts';
import { onlyResource } from '#test/infra/template-queries.ts';

// The default deployment: eu-west-1, no WAF, no custom domain, no alarm email.
describe('RavnActivateStack edge', () => {
  const { synthesised, template } = useSynthesisedApp({ region: 'eu-west-1' });

  describe('origin protection', () => {
    it('generates a 48-character origin secret without punctuation', () => {
      // Assess
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 48 },
      });
    });

    it('adds the secret to every origin request as a dynamic reference, never a value', () => {
      // Prepare
      const { properties } = onlyResource(template, 'AWS::CloudFront::Distribution');
      const secret = onlyResource(template, 'AWS::SecretsManager::Secret');
      const origins = properties.DistributionConfig.Origins;

      // Assess
      expect(origins).toHaveLength(3);
      for (const origin of origins) {
        expect(origin.OriginCustomHeaders).toEqual([
          {
            HeaderName: 'x-origin-verify',
            HeaderValue: {
              'Fn::Join': [
                '',
                ['{{resolve:secretsmanager:', { Ref: secret.id }, ':SecretString:::}}'],
              ],
            },
          },
        ]);
      }
      // CloudFormation generates the value at deploy time; the template holds none.
      expect(secret.properties.SecretString).toBeUndefined();
    });

    it('exposes each function through a public URL (origin access control would need signed bodies)', () => {
      // Assess
      const urls = Object.values(template.findResources('AWS::Lambda::Url'));
      // The three behind CloudFront; the admin function's URL takes SigV4 (admin-api.test.ts).
      expect(urls.filter((url) => url.Properties.AuthType === 'NONE')).toHaveLength(3);
      expect(urls.filter((url) => url.Properties.AuthType === 'AWS_IAM')).toHaveLength(1);
    });
  });

  describe('CloudFront', () => {
    const originOf = (properties: Record<string, unknown>, functionName: string) => {
      const fn = onlyResource(template, 'AWS::Lambda::Function', { FunctionName: functionName });
      const url = onlyResource(template, 'AWS::Lambda::Url', {
        TargetFunctionArn: { 'Fn::GetAtt': [fn.id, 'Arn'] },
      });
      // biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON.
      const origin = (properties as any).DistributionConfig.Origins.find(
        // biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON.
        (candidate: any) =>
          JSON.stringify(candidate.DomainName).includes(`"${url.id}","FunctionUrl"`),
      );
      return origin.Id as string;
    };

    it.each([
      ['/v1/trial', 'ravn-activate'],
      ['/v1/activate', 'ravn-activate'],
      ['/v1/validate', 'ravn-validate'],
      ['/v1/deactivate', 'ravn-activate'],
      ['/v1/devices', 'ravn-validate'],
      ['/v1/keys', 'ravn-validate'],
      ['/v1/openapi.json', 'ravn-validate'],
      ['/v1/webhook', 'ravn-webhook'],
      ['/health', 'ravn-validate'],
    ])('routes %s to %s', (path, functionName) => {
      // Prepare
      const { properties } = onlyResource(template, 'AWS::CloudFront::Distribution');
      const behaviors = properties.DistributionConfig.CacheBehaviors;

      // Act
      // biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON.
      const behavior = behaviors.find((candidate: any) => candidate.PathPattern === path);

      // Assess
      expect(behavior.TargetOriginId).toBe(originOf(properties, functionName));
    });

    it('sends unknown paths to ravn-activate, which answers 404', () => {
      // Prepare
      const { properties } = onlyResource(template, 'AWS::CloudFront::Distribution');

      // Assess
      expect(properties.DistributionConfig.DefaultCacheBehavior.TargetOriginId).toBe(
        originOf(properties, 'ravn-activate'),
      );
    });

    it('serves HTTPS only, caches nothing but the public documents and passes only the headers the functions read', () => {
      // Prepare
      const { properties } = onlyResource(template, 'AWS::CloudFront::Distribution');
      const config = properties.DistributionConfig;
      const publicPaths: ReadonlySet<string> = new Set(PUBLIC_PATHS);
      const policy = onlyResource(template, 'AWS::CloudFront::OriginRequestPolicy');
      const headers = policy.properties.OriginRequestPolicyConfig.HeadersConfig;

      // Assess: the viewer's address comes from CloudFront, Host never reaches a function URL.
      expect(headers.HeaderBehavior).toBe('whitelist');
      expect(headers.Headers).toEqual([...FORWARDED_HEADERS]);
      expect(headers.Headers).toContain('CloudFront-Viewer-Address');
      expect(headers.Headers.map((name: string) => name.toLowerCase())).not.toContain('host');
      for (const behavior of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
        expect(behavior).toMatchObject({
          ViewerProtocolPolicy: 'https-only',
          OriginRequestPolicyId: { Ref: policy.id },
        });
        if (!publicPaths.has(behavior.PathPattern)) {
          expect(behavior.CachePolicyId).toBe(CachePolicy.CACHING_DISABLED.cachePolicyId);
        }
        expect(behavior.AllowedMethods).toContain('POST');
      }
      for (const origin of config.Origins) {
        expect(origin.CustomOriginConfig).toMatchObject({
          OriginProtocolPolicy: 'https-only',
          OriginSSLProtocols: ['TLSv1.2'],
        });
      }
    });

    it('uses the cloudfront.net domain when no custom domain is configured', () => {
      // Prepare
      const { properties } = onlyResource(template, 'AWS::CloudFront::Distribution');

      // Assess
      expect(properties.DistributionConfig.Aliases).toBeUndefined();
      expect(properties.DistributionConfig.ViewerCertificate).toBeUndefined();
    });

    it('has no CORS by default: no CORS settings on any function URL or response headers policy', () => {
      // Prepare
      const urls = Object.values(template.findResources('AWS::Lambda::Url'));
      const policies = Object.values(
        template.findResources('AWS::CloudFront::ResponseHeadersPolicy'),
      );

      // Assess: a web page can neither have a preflight answered nor read an answer.
      expect(urls).toHaveLength(4);
      for (const url of urls) expect(url.Properties.Cors).toBeUndefined();
      expect(policies).toHaveLength(2);
      for (const policy of policies) {
        expect(policy.Properties.ResponseHeadersPolicyConfig.CorsConfig).toBeUndefined();
        // The security headers stay.
        expect(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig).toMatchObject({
          StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
        });
      }
    });

    it('warns about no CORS setting when none is set', () => {
      // Assess
      expect(
        Annotations.fromStack(synthesised.service).findWarning('*', Match.stringLikeRegexp('cors')),
      ).toEqual([]);
    });

    it('gives the webhook security headers but no CORS', () => {
      // Prepare
      const { properties } = onlyResource(template, 'AWS::CloudFront::Distribution');
      const webhook = properties.DistributionConfig.CacheBehaviors.find(
        // biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON.
        (behavior: any) => behavior.PathPattern === '/v1/webhook',
      );
      const policy = template.toJSON().Resources[webhook.ResponseHeadersPolicyId.Ref];
      const fn = onlyResource(template, 'AWS::Lambda::Function', { FunctionName: 'ravn-webhook' });
      const url = onlyResource(template, 'AWS::Lambda::Url', {
        TargetFunctionArn: { 'Fn::GetAtt': [fn.id, 'Arn'] },
      });

      // Assess
      expect(policy.Properties.ResponseHeadersPolicyConfig.CorsConfig).toBeUndefined();
      expect(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig).toMatchObject({
        StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true },
        ContentTypeOptions: { Override: true },
      });
      expect(url.properties.Cors).toBeUndefined();
    });
  });

  describe('public documents (GET /v1/keys)', () => {
    it('lets GET and HEAD through, caches them as the function says for at most an hour, one copy for all', () => {
      // Prepare
      const { properties } = onlyResource(template, 'AWS::CloudFront::Distribution');
      const keys = properties.DistributionConfig.CacheBehaviors.find(
        // biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON.
        (behavior: any) => behavior.PathPattern === '/v1/keys',
      );
      const policy = template.toJSON().Resources[keys.CachePolicyId.Ref];

      // Assess
      expect(PUBLIC_PATHS).toEqual(['/v1/keys', '/v1/openapi.json']);
      expect(keys.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'HEAD']));
      expect(keys.CachedMethods).toEqual(['GET', 'HEAD']);
      expect(keys.FunctionAssociations).toBeUndefined();
      expect(policy.Type).toBe('AWS::CloudFront::CachePolicy');
      expect(policy.Properties.CachePolicyConfig).toMatchObject({
        MinTTL: 0,
        DefaultTTL: 0,
        MaxTTL: 3600,
        ParametersInCacheKeyAndForwardedToOrigin: {
          HeadersConfig: { HeaderBehavior: 'none' },
          QueryStringsConfig: { QueryStringBehavior: 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
        },
      });
    });
  });

  describe('health probe (GET /health)', () => {
    it('reaches the function every time: no caching, no method guard, no CORS', () => {
      // Prepare
      const { properties } = onlyResource(template, 'AWS::CloudFront::Distribution');
      const health = properties.DistributionConfig.CacheBehaviors.find(
        // biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON.
        (behavior: any) => behavior.PathPattern === '/health',
      );
      const headers = template.toJSON().Resources[health.ResponseHeadersPolicyId.Ref];

      // Assess
      expect(PROBE_PATHS).toEqual(['/health']);
      expect(PUBLIC_PATHS).not.toContain('/health');
      expect(health.CachePolicyId).toBe(CachePolicy.CACHING_DISABLED.cachePolicyId);
      expect(health.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'HEAD']));
      expect(health.FunctionAssociations).toBeUndefined();
      expect(headers.Properties.ResponseHeadersPolicyConfig.CorsConfig).toBeUndefined();
    });

    it('tells each function its build: package version and commit', () => {
      // Assess
      const { version, commit } = readBuildInfo();
      template.allResourcesProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({ SERVICE_VERSION: version, BUILD_COMMIT: commit }),
        },
      });
    });
  });

  describe('method guard at the edge', () => {
    it('runs the committed CloudFront Function (OPTIONS refused: no CORS) on viewer request for the client paths only', () => {
      // Prepare
      const guard = onlyResource(template, 'AWS::CloudFront::Function');
      const { properties } = onlyResource(template, 'AWS::CloudFront::Distribution');
      const config = properties.DistributionConfig;
      // biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON.
      const associationsOf = (path: string): any =>
        // biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON.
        config.CacheBehaviors.find((behavior: any) => behavior.PathPattern === path)
          .FunctionAssociations;

      // Assess
      expect(guard.properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
      expect(guard.properties.FunctionCode).toBe(readFileSync(METHOD_GUARD_PATH, 'utf8'));
      expect(guard.properties.AutoPublish).toBe(true);
      for (const path of CLIENT_PATHS) {
        expect(associationsOf(path)).toEqual([
          { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [guard.id, 'FunctionARN'] } },
        ]);
      }
      expect(associationsOf('/v1/webhook')).toBeUndefined();
      // GET /v1/keys is the one client path read with GET: the guard must not answer it.
      expect(CLIENT_PATHS).not.toContain('/v1/keys');
      expect(associationsOf('/v1/keys')).toBeUndefined();
      expect(config.DefaultCacheBehavior.FunctionAssociations).toBeUndefined();
    });
  });

  describe('WAF off', () => {
    it('creates no web ACL and attaches none', () => {
      // Prepare
      const { properties } = onlyResource(template, 'AWS::CloudFront::Distribution');

      // Assess
      expect(synthesised.waf).toBeUndefined();
      template.resourceCountIs('AWS::WAFv2::WebACL', 0);
      expect(properties.DistributionConfig.WebACLId).toBeUndefined();
      if (!synthesised.edgeAlarms) throw new Error('the edge alarms stack is missing');
      const edgeAlarms = synthesised.template(synthesised.edgeAlarms);
      edgeAlarms.resourceCountIs('AWS::WAFv2::WebACL', 0);
      edgeAlarms.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    });
  });
});
