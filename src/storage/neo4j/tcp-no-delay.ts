import net from 'node:net';

// neo4j-driver 5 never disables Nagle's algorithm on its sockets and has no option to. Bolt writes
// a large message in 1.4 kB chunks, so every statement with a sizeable parameter waits for the
// server's delayed ACK: ~40 ms per statement on Linux (a sync of 20 statements took 900 ms instead
// of 60 ms here). The Python driver fixed the same in neo4j-python-driver#1122. Until the
// JavaScript driver does, sockets it opens to a registered Neo4j port get TCP_NODELAY; every
// other connection in the process is left exactly as it was.
//
// The same 1.4 kB chunks are also each a socket write of their own, so a system call each: a
// 100k-node 1%-change sync sends ~5 MB of parameters, ~3,600 writes (writeBuffer was ~90 ms of
// its profile). Those sockets are corked on their first write of a tick and uncorked on the next
// tick: what the driver writes in one go (a statement, or a pipeline of them) leaves in a few
// writev calls, in the same order, with no wait added.

const ports = new Set<number>();
let installed = false;

export function disableNagleFor(port: number): void {
  ports.add(port);
  if (installed) return;
  installed = true;
  const original = net.connect;
  const patched = function (this: unknown, ...args: unknown[]) {
    const socket = (original as (...a: unknown[]) => net.Socket).apply(this, args);
    const port = typeof args[0] === 'number' ? args[0] : typeof args[0] === 'string' ? Number(args[0]) : (args[0] as { port?: unknown })?.port;
    if (typeof port === 'number' && ports.has(port)) {
      socket.setNoDelay(true);
      coalesceWrites(socket);
    }
    return socket;
  };
  net.connect = patched as typeof net.connect;
}

/** Writes made in one tick leave together: corked at the first, uncorked on the next tick. */
export function coalesceWrites(socket: net.Socket): void {
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: net.Socket, ...args: Parameters<net.Socket['write']>) {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as net.Socket['write'];
}

/** The port of a bolt:// or neo4j:// URI (7687 when absent). */
export function portOf(uri: string): number {
  const port = new URL(uri.replace(/^[a-z0-9+]+:/, 'http:')).port;
  return port ? Number(port) : 7687;
}
