import { SANDBOX_SECRETS } from '#local/local-stack.ts';
import { loadWebhookFixture, sendWebhook, setPath } from '#local/webhook-sender.ts';

/**
 * `pnpm webhook:send <fixture> [--set path=value …] [--url URL]`: signs a fixture from
 * test/fixtures/webhooks/ with WEBHOOK_SECRET (the sandbox's by default) and posts it to the
 * local server, e.g.
 *   pnpm webhook:send license_key_updated --set data.attributes.key=<license key> --set data.attributes.status=disabled
 * Values are parsed as JSON when they can be (numbers, null, true), else taken as strings.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const fixture = args.find(
    (arg, index) => !arg.startsWith('--') && !args[index - 1]?.startsWith('--'),
  );
  if (!fixture) {
    process.stderr.write('usage: pnpm webhook:send <fixture> [--set path=value …] [--url URL]\n');
    process.exit(2);
  }
  let url = `http://localhost:${process.env.PORT ?? 3000}/v1/webhook`;
  const body = loadWebhookFixture(fixture);
  setPath(body, 'data.attributes.updated_at', new Date().toISOString());
  for (let index = 0; index < args.length; index += 1) {
    const value = args[index + 1] ?? '';
    if (args[index] === '--url') url = value;
    if (args[index] === '--set') {
      const [path, ...rest] = value.split('=');
      setPath(body, path as string, parseValue(rest.join('=')));
    }
  }
  const response = await sendWebhook(
    url,
    body,
    process.env.WEBHOOK_SECRET ?? SANDBOX_SECRETS.WEBHOOK_SECRET,
  );
  process.stdout.write(`${response.status} ${response.text}\n`);
  process.exit(response.status === 200 ? 0 : 1);
}

function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
