import { createServer, type Server, type Socket } from 'node:net';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoDbClients } from '#adapters/dynamodb/client.ts';
import { DYNAMODB_CLIENT_DEFAULTS } from '#config/time-budget.ts';
import { isTransient } from '#http/error-response.ts';

/**
 * A DynamoDB that hangs: it accepts every connection and never answers. It opens a loopback
 * socket, which test/unit otherwise avoids; it is here because it tests the client's
 * construction alone, with no table and no service.
 */
async function startSilentServer(): Promise<{ server: Server; sockets: Socket[]; url: string }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, sockets, url: `http://127.0.0.1:${port}` };
}

describe('createDynamoDbClients', () => {
  let silent: Awaited<ReturnType<typeof startSilentServer>> | undefined;

  afterEach(async () => {
    const running = silent;
    silent = undefined;
    if (!running) return;
    for (const socket of running.sockets) socket.destroy();
    await new Promise((resolve) => running.server.close(resolve));
  });

  // The cap only keeps a regression from hanging the run: without a request timeout the call
  // would wait for ever. Nothing here asserts how long it took.
  it('fails a call DynamoDB never answers with a transient TimeoutError, after every attempt', {
    timeout: 15_000,
  }, async () => {
    // Prepare
    silent = await startSilentServer();
    const { client } = createDynamoDbClients({
      region: 'us-east-1',
      endpoint: silent.url,
      connectTimeoutMs: 100,
      requestTimeoutMs: 200,
      maxAttempts: 2,
    });

    // Act
    const error = await client
      .send(new GetItemCommand({ TableName: 'hung', Key: { pk: { S: 'x' }, sk: { S: 'y' } } }))
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    client.destroy();

    // Assess: the SDK retried on a new connection, then gave up; the HTTP layer answers 503.
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(isTransient(error)).toBe(true);
    expect(silent.sockets).toHaveLength(2);
  });

  it('makes three attempts per call unless told otherwise', async () => {
    // Prepare
    const { client } = createDynamoDbClients({ region: 'us-east-1' });

    // Act
    const maxAttempts = await client.config.maxAttempts();
    client.destroy();

    // Assess
    expect(maxAttempts).toBe(DYNAMODB_CLIENT_DEFAULTS.maxAttempts);
  });
});
