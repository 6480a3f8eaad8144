/**
 * What a case holds besides its machine: the report, the thread with the reporter and the
 * internal notes. Reporter-visible content (report, messages) and internal content (notes)
 * live in separate tables and are read by separate functions, so the mailbox cannot
 * receive a note by accident. Called only inside CaseObject's transactions.
 */
import type { AttachmentRef, CaseEvent } from '../../machines/events';

/** How an oral report was heard (Directive 2019/1937 Art. 9(2)): by telephone or in a meeting. */
export type OralMedium = 'phone' | 'meeting';

/** A stored file as the reporter and the handlers see it; the bytes live in R2. */
export interface AttachmentInfo {
  id: string;
  name: string;
  type: string;
  size: number;
  /** Metadata removed from the copy that was stored (e.g. `exif`, `gps`). */
  removed: string[];
}

/** The report as submitted (written) or recorded by a handler (oral). */
export interface ReportContent {
  description: string;
  answers: Record<string, string>;
  /** The handler's minutes of an oral report (Directive 2019/1937 Art. 18(2)-(4)). */
  minutes?: string | null;
  /** Files sent with the report. */
  attachments?: AttachmentRef[];
  /** How and when an oral report was heard. */
  oral?: { medium: OralMedium; heardOn: string } | null;
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
  attachments: AttachmentInfo[];
}

/** An internal note, never shown to the reporter. */
export interface InternalNote {
  id: number;
  seq: number;
  at: string;
  authorId: string;
  body: string;
}

/** The report as read back: files and the oral record's facts resolved. */
export interface StoredReport {
  at: string;
  description: string;
  answers: Record<string, string>;
  minutes: string | null;
  attachments: AttachmentInfo[];
  oral: { medium: OralMedium; heardOn: string; amendedAt: string | null } | null;
}

export interface CaseContent {
  report: StoredReport | null;
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
      attachments?: AttachmentRef[];
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
        displayName: event.displayName ?? null,
      };
    case 'GIVE_FEEDBACK':
      return {
        kind: 'message',
        author: 'organisation',
        type: 'feedback',
        body: event.body,
        displayName: event.displayName ?? null,
      };
    case 'REPORTER_MESSAGE':
      return {
        kind: 'message',
        author: 'reporter',
        type: 'reporter',
        body: event.body,
        displayName: null,
        attachments: event.attachments ?? [],
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
    case 'RECUSE':
      // Why someone stepped away is for whoever takes the case over, and may say how they
      // know the people in it: internal content, like a note, never the audit trail.
      return { kind: 'note', authorId: event.actor.id, body: `Recused: ${event.reason}` };
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
      writeAttachments(sql, write.report.attachments ?? [], seq, at, null);
      if (write.report.oral) {
        sql.exec(
          'INSERT INTO oral_record (id, medium, heard_on) VALUES (1, ?, ?)',
          write.report.oral.medium,
          write.report.oral.heardOn,
        );
      }
      return;
    case 'message':
      sql.exec(
        'INSERT INTO messages (seq, at, author, kind, display_name, body) VALUES (?, ?, ?, ?, ?, ' +
          '?)',
        seq,
        at,
        write.author,
        write.type,
        write.displayName,
        write.body,
      );
      if (write.attachments?.length) {
        const id = sql.exec<{ id: number }>('SELECT last_insert_rowid() AS id').one().id;
        writeAttachments(sql, write.attachments, seq, at, id);
      }
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
      sql.exec('UPDATE oral_record SET amended_at = ? WHERE id = 1', at);
      return;
  }
}

function writeAttachments(
  sql: SqlStorage,
  files: AttachmentRef[],
  seq: number,
  at: number,
  messageId: number | null,
): void {
  for (const file of files) {
    sql.exec(
      'INSERT INTO attachments (id, seq, at, message_id, name, type, size, removed) VALUES (?, ' +
        '?, ?, ?, ?, ?, ?, ?)',
      file.id,
      seq,
      at,
      messageId,
      file.name,
      file.type,
      file.size,
      JSON.stringify(file.removed),
    );
  }
}

/** One file's metadata, or null. */
export function readAttachment(sql: SqlStorage, id: string): AttachmentInfo | null {
  return readAttachments(sql).find((file) => file.id === id) ?? null;
}

function readAttachments(sql: SqlStorage): Array<AttachmentInfo & { messageId: number | null }> {
  return sql
    .exec<{
      id: string;
      message_id: number | null;
      name: string;
      type: string;
      size: number;
      removed: string;
    }>('SELECT id, message_id, name, type, size, removed FROM attachments ORDER BY at, id')
    .toArray()
    .map((row) => ({
      id: row.id,
      messageId: row.message_id,
      name: row.name,
      type: row.type,
      size: row.size,
      removed: JSON.parse(row.removed) as string[],
    }));
}

/** Deletes every piece of content; the envelope and the audit trail remain. */
export function purgeContent(sql: SqlStorage): void {
  sql.exec('DELETE FROM report');
  sql.exec('DELETE FROM messages');
  sql.exec('DELETE FROM notes');
  sql.exec('DELETE FROM attachments');
  sql.exec('DELETE FROM oral_record');
}

/** The report and the thread: everything the reporter may see. */
export function readReporterContent(sql: SqlStorage): Pick<CaseContent, 'report' | 'messages'> {
  const files = readAttachments(sql);
  const filesOf = (messageId: number | null) =>
    files.filter((file) => file.messageId === messageId).map(({ messageId: _, ...file }) => file);
  const oral = sql
    .exec<{ medium: OralMedium; heard_on: string; amended_at: number | null }>(
      'SELECT medium, heard_on, amended_at FROM oral_record WHERE id = 1',
    )
    .toArray()[0];
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
      attachments: filesOf(m.id),
    }));

  return {
    report: report
      ? {
          at: new Date(report.at).toISOString(),
          description: report.description,
          answers: JSON.parse(report.answers) as Record<string, string>,
          minutes: report.minutes,
          attachments: filesOf(null),
          oral: oral
            ? {
                medium: oral.medium,
                heardOn: oral.heard_on,
                amendedAt:
                  oral.amended_at === null ? null : new Date(oral.amended_at).toISOString(),
              }
            : null,
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
