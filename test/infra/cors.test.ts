import { App, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CORS_WARNINGS, warnAboutCors } from '#lib/cors-warnings.ts';
import { useSynthesisedApp } from '#test/infra/synth-app.ts';

/** The CORS warnings on `stack`, by id. */
const corsWarningsOf = (stack: Stack) =>
  Object.values(CORS_WARNINGS).filter(
    (id) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(id)).length > 0,
  );

describe('CORS from any origin, set explicitly (corsOrigins=*)', () => {
  const { synthesised, template } = useSynthesisedApp({ region: 'eu-west-1', corsOrigins: '*' });

  it('allows * at CloudFront and on both client function URLs', () => {
    // Assess
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        CorsConfig: Match.objectLike({ AccessControlAllowOrigins: { Items: ['*'] } }),
      },
    });
    const urls = Object.values(template.findResources('AWS::Lambda::Url'));
    expect(urls.map((url) => url.Properties.Cors?.AllowOrigins).filter(Boolean)).toEqual([
      ['*'],
      ['*'],
    ]);
  });

  it('warns at synth that any web page can call the API', () => {
    // Assess
    Annotations.fromStack(synthesised.service).hasWarning(
      '/RavnActivate',
      Match.stringLikeRegexp(`allows \\* \\(any origin\\).*${CORS_WARNINGS.anyOrigin}`),
    );
    expect(corsWarningsOf(synthesised.service)).toEqual([CORS_WARNINGS.anyOrigin]);
  });
});

describe('warnAboutCors', () => {
  it.each([
    [[], false, []],
    [['https://app.example.com'], false, []],
    [['*'], false, [CORS_WARNINGS.anyOrigin]],
    [['https://app.example.com'], true, [CORS_WARNINGS.oldName]],
    [['https://app.example.com', '*'], true, [CORS_WARNINGS.anyOrigin, CORS_WARNINGS.oldName]],
  ])('for origins %j (old name: %s) warns %j', (corsOrigins, corsOriginsFromOldName, expected) => {
    // Prepare: one resource, so the stack synthesises without a warning of its own.
    const stack = new Stack(new App(), 'Warned');
    new CfnWaitConditionHandle(stack, 'Placeholder');

    // Act
    warnAboutCors(stack, { corsOrigins, corsOriginsFromOldName });

    // Assess
    expect(corsWarningsOf(stack)).toEqual(expected);
  });
});
