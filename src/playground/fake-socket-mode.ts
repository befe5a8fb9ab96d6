/**
 * Slack's Socket Mode, faked on loopback: `apps.connections.open` hands out a ws:// URL on the fake Web API's
 * server, the app's Socket Mode client connects, gets `hello`, and then receives envelopes (slash commands,
 * interactivity, events) that it acknowledges by envelope id — as with Slack. A deliberately small WebSocket
 * server (RFC 6455: handshake, text, ping/pong and close frames; no extensions), enough for one client.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
export const SOCKET_MODE_PATH = '/socket-mode';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

interface Connection {
  socket: Duplex;
  buffer: Buffer;
}

function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([0x80 | opcode, length]);
  } else if (length < 65_536) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

/** Reads one complete (masked) client frame from the front of `buffer`, or undefined if it is not all there. */
function readFrame(buffer: Buffer): { opcode: number; payload: Buffer; rest: Buffer } | undefined {
  if (buffer.length < 2) return undefined;
  const opcode = (buffer[0] ?? 0) & 0x0f;
  const masked = ((buffer[1] ?? 0) & 0x80) !== 0;
  let length = (buffer[1] ?? 0) & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  const maskLength = masked ? 4 : 0;
  if (buffer.length < offset + maskLength + length) return undefined;
  const mask = masked ? buffer.subarray(offset, offset + 4) : undefined;
  const payload = Buffer.from(buffer.subarray(offset + maskLength, offset + maskLength + length));
  if (mask) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
  return { opcode, payload, rest: buffer.subarray(offset + maskLength + length) };
}

export class FakeSocketMode {
  private readonly connections = new Set<Connection>();
  private readonly tickets = new Set<string>();
  private readonly pending = new Map<string, (payload: unknown) => void>();
  private readonly waiting = new Set<() => void>();

  constructor(private readonly baseUrl: () => string) {}

  /** Listens for WebSocket upgrades on the fake's HTTP server. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex) => this.upgrade(req, socket));
  }

  /** What apps.connections.open answers: a one-time URL. */
  connectionUrl(): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${this.baseUrl().replace(/^http/, 'ws')}${SOCKET_MODE_PATH}?ticket=${ticket}`;
  }

  get connected(): number {
    return this.connections.size;
  }

  /** Resolves once a client is connected (it has been sent `hello`). */
  whenConnected(timeoutMs = 5000): Promise<void> {
    if (this.connections.size > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(done);
        reject(new Error('no Socket Mode client connected'));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiting.add(done);
    });
  }

  /**
   * Sends an envelope to the connected client and resolves with what it acknowledged (the ack's payload,
   * e.g. a `response_action` or an ephemeral message), or rejects if no ack comes within `timeoutMs`.
   */
  deliver(type: EnvelopeType, payload: Record<string, unknown>, timeoutMs = 3000): Promise<unknown> {
    const [connection] = this.connections;
    if (!connection) return Promise.reject(new Error('no Socket Mode client is connected'));
    const envelopeId = randomUUID();
    const envelope = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      retry_attempt: 0,
      retry_reason: '',
    };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        reject(new Error(`envelope ${envelopeId} was not acknowledged within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(envelopeId, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
      connection.socket.write(frame(0x1, Buffer.from(JSON.stringify(envelope))));
    });
  }

  closeAll(): void {
    for (const c of this.connections) c.socket.destroy();
    this.connections.clear();
  }

  private upgrade(req: IncomingMessage, socket: Duplex): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const ticket = url.searchParams.get('ticket') ?? '';
    const key = req.headers['sec-websocket-key'];
    if (url.pathname !== SOCKET_MODE_PATH || !this.tickets.delete(ticket) || typeof key !== 'string') {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const accept = createHash('sha1').update(`${key}${WS_GUID}`).digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const connection: Connection = { socket, buffer: Buffer.alloc(0) };
    this.connections.add(connection);
    socket.on('data', (chunk: Buffer) => this.receive(connection, chunk));
    socket.on('close', () => this.connections.delete(connection));
    socket.on('error', () => this.connections.delete(connection));
    socket.write(
      frame(
        0x1,
        Buffer.from(
          JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'AFAKE' } }),
        ),
      ),
    );
    for (const done of this.waiting) done();
    this.waiting.clear();
  }

  private receive(connection: Connection, chunk: Buffer): void {
    connection.buffer = Buffer.concat([connection.buffer, chunk]);
    for (let next = readFrame(connection.buffer); next; next = readFrame(connection.buffer)) {
      connection.buffer = next.rest;
      if (next.opcode === 0x9) {
        connection.socket.write(frame(0xa, next.payload));
      } else if (next.opcode === 0x8) {
        connection.socket.end(frame(0x8, next.payload.subarray(0, 2)));
        this.connections.delete(connection);
      } else if (next.opcode === 0x1) {
        try {
          const message = JSON.parse(next.payload.toString('utf8')) as {
            envelope_id?: string;
            payload?: unknown;
          };
          if (message.envelope_id) {
            this.pending.get(message.envelope_id)?.(message.payload);
            this.pending.delete(message.envelope_id);
          }
        } catch {
          // Not an ack we understand: ignored, as Slack would.
        }
      }
    }
  }
}
