import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWrites, disableNagleFor } from '../../../src/storage/neo4j/tcp-no-delay.ts';

// Sockets to a registered Neo4j port: TCP_NODELAY, and the writes of one tick leave together
// (corked, then uncorked on the next tick), every byte in order.

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A loopback server that collects what one connection sends until it ends. */
async function collector(): Promise<{ port: number; received: Promise<Buffer> }> {
  let resolve!: (b: Buffer) => void;
  const received = new Promise<Buffer>((r) => (resolve = r));
  const server = net.createServer((socket) => {
    const parts: Buffer[] = [];
    socket.on('data', (d: Buffer) => parts.push(d));
    socket.on('end', () => resolve(Buffer.concat(parts)));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, received };
}

const pieces = Array.from({ length: 3_000 }, (_, i) => Buffer.from(`piece ${i};`));

describe('Neo4j sockets', () => {
  it('cork a tick of writes and send every byte in order', async () => {
    const { port, received } = await collector();
    const socket = net.connect(port, '127.0.0.1');
    coalesceWrites(socket);
    await new Promise((r) => socket.once('connect', r));
    for (const piece of pieces) socket.write(piece);
    expect(socket.writableCorked).toBe(1);
    await new Promise((r) => process.nextTick(r));
    expect(socket.writableCorked).toBe(0);
    // A later tick corks again.
    socket.write('tail');
    expect(socket.writableCorked).toBe(1);
    socket.end();
    expect((await received).toString()).toBe(Buffer.concat(pieces).toString() + 'tail');
  });

  it('are the ones opened to a registered port; other connections are left as they are', async () => {
    const neo = await collector();
    const other = await collector();
    disableNagleFor(neo.port);
    const registered = net.connect(neo.port, '127.0.0.1');
    const plain = net.connect(other.port, '127.0.0.1');
    await Promise.all([new Promise((r) => registered.once('connect', r)), new Promise((r) => plain.once('connect', r))]);
    registered.write('a');
    plain.write('b');
    expect(registered.writableCorked).toBe(1);
    expect(plain.writableCorked).toBe(0);
    registered.end();
    plain.end();
    expect((await neo.received).toString()).toBe('a');
    expect((await other.received).toString()).toBe('b');
  });
});
