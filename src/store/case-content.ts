/**
 * What a case holds besides its machine: the report, the thread with the reporter and the
 * internal notes. Reporter-visible content (report, messages) and internal content (notes)
 * live in separate tables and are read by separate functions, so the mailbox cannot
 * receive a note by accident. Called only inside CaseObject's transactions.
 */
import type { CaseEvent } from '../../machines/events';

/** The report as submitted (written) or recorded by a handler (oral). */
export interface ReportContent {
  description: string;
  answers: Record<string, string>;
  /** The handler's minutes of an oral report (Directive 2019/1937 Art. 18(2)-(4)). */
  minutes?: string | null;
}

/** One message of the thread with the reporter. */
export interface ThreadMessage {
  id: number;
  seq: number;
  at: string;
  author: 'reporter' | 'organisation';
  kind: 'reply' | 'feedback' | 'reporter' | 'correction_request';
  displayName: string | null;
  body: string;
}

/** An internal note, never shown to the reporter. */
export interface InternalNote {
  id: number;
  seq: number;
  at: string;
  authorId: string;
  body: string;
}

export interface CaseContent {
  report: (ReportContent & { at: string }) | null;
  messages: ThreadMessage[];
  notes: InternalNote[];
}

/** Content an event carries, to be written with its audit record. */
export type ContentWrite =
  | { kind: 'report'; report: ReportContent }
  | {
      kind: 'message';
      author: ThreadMessage['author'];
      type: ThreadMessage['kind'];
      body: string;
      displayName: string | null;
    }
  | { kind: 'note'; authorId: string; body: string }
  | { kind: 'minutes'; minutes: string };

/** The content an accepted event carries, if any. */
export function contentOf(event: CaseEvent): ContentWrite | null {
  switch (event.type) {
    case 'REPLY':
      return {
        kind: 'message',
        author: 'organisation',
        type: 'reply',
        body: event.body,
        displayName: null,
      };
    case 'GIVE_FEEDBACK':
      return {
        kind: 'message',
        author: 'organisation',
        type: 'feedback',
        body: event.body,
        displayName: null,
      };
    case 'REPORTER_MESSAGE':
      return {
        kind: 'message',
        author: 'reporter',
        type: 'reporter',
        body: event.body,
        displayName: null,
      };
    case 'REQUEST_CORRECTION':
      return {
        kind: 'message',
        author: 'reporter',
        type: 'correction_request',
        body: event.body,
        displayName: null,
      };
    case 'ADD_NOTE':
      return { kind: 'note', authorId: event.actor.id, body: event.body };
    case 'AMEND_RECORD':
      return { kind: 'minutes', minutes: event.minutes };
    default:
      return null;
  }
}

/** Writes content; `seq` ties it to the audit record of the event that carried it. */
export function writeContent(sql: SqlStorage, write: ContentWrite, seq: number, at: number): void {
  switch (write.kind) {
    case 'report':
      sql.exec(
        'INSERT INTO report (id, seq, at, description, answers, minutes) VALUES (1, ?, ?, ?, ?, ?)',
        seq,
        at,
        write.report.description,
        JSON.stringify(write.report.answers),
        write.report.minutes ?? null,
      );
      return;
    case 'message':
      sql.exec(
        'INSERT INTO messages (seq, at, author, kind, display_name, body) VALUES (?, ?, ?, ?, ?, ?)',
        seq,
        at,
        write.author,
        write.type,
        write.displayName,
        write.body,
      );
      return;
    case 'note':
      sql.exec(
        'INSERT INTO notes (seq, at, author_id, body) VALUES (?, ?, ?, ?)',
        seq,
        at,
        write.authorId,
        write.body,
      );
      return;
    case 'minutes':
      sql.exec('UPDATE report SET minutes = ? WHERE id = 1', write.minutes);
      return;
  }
}

/** Deletes every piece of content; the envelope and the audit trail remain. */
export function purgeContent(sql: SqlStorage): void {
  sql.exec('DELETE FROM report');
  sql.exec('DELETE FROM messages');
  sql.exec('DELETE FROM notes');
}

/** The report and the thread: everything the reporter may see. */
export function readReporterContent(sql: SqlStorage): Pick<CaseContent, 'report' | 'messages'> {
  const report = sql
    .exec<{ at: number; description: string; answers: string; minutes: string | null }>(
      'SELECT at, description, answers, minutes FROM report WHERE id = 1',
    )
    .toArray()[0];
  const messages = sql
    .exec<{
      id: number;
      seq: number;
      at: number;
      author: ThreadMessage['author'];
      kind: ThreadMessage['kind'];
      display_name: string | null;
      body: string;
    }>('SELECT id, seq, at, author, kind, display_name, body FROM messages ORDER BY id')
    .toArray()
    .map((m) => ({
      id: m.id,
      seq: m.seq,
      at: new Date(m.at).toISOString(),
      author: m.author,
      kind: m.kind,
      displayName: m.display_name,
      body: m.body,
    }));

  return {
    report: report
      ? {
          at: new Date(report.at).toISOString(),
          description: report.description,
          answers: JSON.parse(report.answers) as Record<string, string>,
          minutes: report.minutes,
        }
      : null,
    messages,
  };
}

/** Internal notes: staff only. */
export function readNotes(sql: SqlStorage): InternalNote[] {
  return sql
    .exec<{ id: number; seq: number; at: number; author_id: string; body: string }>(
      'SELECT id, seq, at, author_id, body FROM notes ORDER BY id',
    )
    .toArray()
    .map((n) => ({
      id: n.id,
      seq: n.seq,
      at: new Date(n.at).toISOString(),
      authorId: n.author_id,
      body: n.body,
    }));
}

/** Everything, for staff who may read content. */
export function readContent(sql: SqlStorage): CaseContent {
  return { ...readReporterContent(sql), notes: readNotes(sql) };
}
