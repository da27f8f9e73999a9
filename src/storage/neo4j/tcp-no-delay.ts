import net from 'node:net';

// neo4j-driver 5 never disables Nagle's algorithm on its sockets and has no option to. Bolt writes
// a large message in 1.4 kB chunks, so every statement with a sizeable parameter waits for the
// server's delayed ACK: ~40 ms per statement on Linux (a sync of 20 statements took 900 ms instead
// of 60 ms here). The Python driver fixed the same in neo4j-python-driver#1122. Until the
// JavaScript driver does, sockets it opens to a registered Neo4j port get TCP_NODELAY; every
// other connection in the process is left exactly as it was.

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
    if (typeof port === 'number' && ports.has(port)) socket.setNoDelay(true);
    return socket;
  };
  net.connect = patched as typeof net.connect;
}

/** The port of a bolt:// or neo4j:// URI (7687 when absent). */
export function portOf(uri: string): number {
  const port = new URL(uri.replace(/^[a-z0-9+]+:/, 'http:')).port;
  return port ? Number(port) : 7687;
}
