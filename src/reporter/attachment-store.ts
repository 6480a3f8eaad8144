/**
 * Writes and removes a case's files in the ATTACHMENTS R2 bucket. The only metadata stored
 * with an object is its proven content type: the name and everything else stay in the case's
 * Durable Object, and nothing about the request (address, agent, time of the client) is kept.
 */
import type { AttachmentRef } from '../../machines/events';
import type { Env } from '../env';
import { attachmentKey } from '../store/attachment-keys';
import type { PreparedFile } from './attachments';

/** Stores prepared files under the case's prefix; on any failure removes what was written. */
export async function storeAttachments(
  env: Env,
  org: string,
  caseId: string,
  files: PreparedFile[],
): Promise<AttachmentRef[]> {
  const written: string[] = [];
  try {
    for (const file of files) {
      await env.ATTACHMENTS.put(attachmentKey(org, caseId, file.ref.id), file.bytes, {
        httpMetadata: { contentType: file.ref.type },
      });
      written.push(file.ref.id);
    }
  } catch (error) {
    await removeAttachments(env, org, caseId, written);
    throw error;
  }

  return files.map((file) => file.ref);
}

/** Removes files (a commit that failed after their upload). */
export async function removeAttachments(
  env: Env,
  org: string,
  caseId: string,
  ids: string[],
): Promise<void> {
  if (ids.length === 0) return;
  await env.ATTACHMENTS.delete(ids.map((id) => attachmentKey(org, caseId, id)));
}
