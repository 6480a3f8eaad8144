/**
 * The baseline Worker of `npm run bench`: the least a Durable Object event path can do. A POST
 * to /case/<n> reads the body, makes one RPC to the Durable Object of case n, which does one
 * SQLite INSERT and answers with the row's seq. No authentication, no validation, no state
 * machine, no audit chain, no read model: the floor the product's event path is compared with.
 *
 * Profiling variants, printed on their own lines and never in the ratio: `?session` first makes
 * an RPC to one shared Durable Object that reads and updates a session row (the shape of the
 * product's session check), and `?mirror` has the case's object write a KV key after its INSERT
 * (the shape of the product's read-model mirror). They show how much of the product's cost is
 * the number of hops and writes rather than the code that runs in them.
 *
 * Not part of the product; it touches only its own Durable Objects' storage and its own KV.
 */
import { DurableObject } from 'cloudflare:workers';

interface BaselineEnv {
  EVENTS: DurableObjectNamespace<EventLog>;
  SESSIONS: DurableObjectNamespace<SessionTable>;
  MIRROR: KVNamespace;
}

/** One append-only table per case. */
export class EventLog extends DurableObject<BaselineEnv> {
  constructor(ctx: DurableObjectState, env: BaselineEnv) {
    super(ctx, env);
    ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS events ' +
        '(seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)',
    );
  }

  /** Stores one event body and returns its position; with `mirror`, also writes a KV key. */
  async append(body: string, mirror = false): Promise<{ seq: number }> {
    const row = this.ctx.storage.sql
      .exec<{ seq: number }>('INSERT INTO events (body) VALUES (?) RETURNING seq', body)
      .one();
    if (mirror) {
      const summary = JSON.stringify({ seq: row.seq });
      await this.env.MIRROR.put(`case/${this.ctx.id.toString()}`, summary, {
        metadata: { seq: row.seq },
      });
    }

    return { seq: row.seq };
  }
}

/** One session table shared by every request, as an organisation's object is. */
export class SessionTable extends DurableObject<BaselineEnv> {
  constructor(ctx: DurableObjectState, env: BaselineEnv) {
    super(ctx, env);
    ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, last_seen_at INTEGER NOT NULL)',
    );
  }

  /** Reads the session, creating it on first use, and records that it was seen now. */
  async touch(token: string): Promise<boolean> {
    const now = Date.now();
    const found = this.ctx.storage.sql
      .exec('SELECT last_seen_at FROM sessions WHERE token = ?', token)
      .toArray();
    if (found.length === 0) {
      this.ctx.storage.sql.exec('INSERT INTO sessions VALUES (?, ?)', token, now);
    } else {
      this.ctx.storage.sql.exec('UPDATE sessions SET last_seen_at = ? WHERE token = ?', now, token);
    }

    return true;
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/') return new Response('ok');

    const match = /^\/case\/(\d{1,6})$/.exec(url.pathname);
    if (request.method !== 'POST' || !match) return new Response('not found', { status: 404 });

    if (url.searchParams.has('session')) await env.SESSIONS.getByName('org').touch('bench');
    const body = await request.text();
    const result = await env.EVENTS.getByName(match[1]!).append(
      body,
      url.searchParams.has('mirror'),
    );

    return Response.json(result);
  },
} satisfies ExportedHandler<BaselineEnv>;
