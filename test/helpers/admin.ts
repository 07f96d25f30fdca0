import type { AdminCommand } from '#config/admin.ts';
import { ADMIN_COMMANDS } from '#config/admin.ts';
import { type HttpResult, post, type TestStack } from '#test/helpers/test-stack.ts';

/** One admin command over real HTTP to the local server, with its admin token. */
export function admin(stack: TestStack, command: AdminCommand, body: unknown): Promise<HttpResult> {
  return post(stack.url, ADMIN_COMMANDS[command], body, {
    'content-type': 'application/json',
    authorization: `Bearer ${stack.adminToken}`,
  });
}

/** The audit items stored for the whole table, as DynamoDB holds them. */
export async function auditItems(stack: TestStack): Promise<Array<Record<string, unknown>>> {
  return (await stack.items()).filter(
    (item) => typeof item.sk === 'string' && item.sk.startsWith('AUDIT#'),
  );
}
