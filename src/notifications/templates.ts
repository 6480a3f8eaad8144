/**
 * Notification texts for staff. They name the case by its reference and never carry report
 * content, message bodies or anything about the reporter: an inbox is not a safe place.
 */
import type { EmailMessage } from '../env';

const SUBJECTS: Record<EmailMessage['template'], (ref: string) => string> = {
  case_received: (ref) => `New report ${ref}`,
  case_assigned: (ref) => `Case ${ref} is assigned to you`,
  reporter_message: (ref) => `New message from the reporter on ${ref}`,
  deadline_missed: (ref) => `A statutory deadline passed on ${ref}`,
};

/** Subject and text of a notification. */
export function renderEmail(message: EmailMessage): { subject: string; text: string } {
  const subject = SUBJECTS[message.template](message.caseRef);
  const text = [
    subject + '.',
    '',
    "Open Whispr to read it. For the reporter's protection this email contains no details.",
  ].join('\n');

  return { subject, text };
}
