/**
 * The intake form: category, the policy's questions, a description and optional files.
 *
 * Pure: no I/O; returns the whole HTML document. Posts to `/r/{slug}/report` as
 * multipart/form-data, with the policy version it was drawn from.
 */
import { html } from '../html';
import { INTAKE_FIELDS, questionFieldName } from './field-names';
import {
  csrfInput,
  describedBy,
  errorSummary,
  fieldId,
  fileInput,
  hasErrors,
  hintAndError,
  optionalMark,
  radioGroup,
  textArea,
  type FieldSpec,
} from './fields';
import { orgPath, page } from './layout';
import type {
  FieldErrors,
  FieldValues,
  IntakePolicyView,
  IntakeQuestion,
  ReporterOrg,
} from './types';

/** Options of `renderIntakePage`. */
export interface IntakePageOptions {
  org: ReporterOrg;
  policy: IntakePolicyView;
  values?: FieldValues;
  errors?: FieldErrors;
  csrfToken?: string;
}

/** The intake form: category, the policy's questions, a description and optional files. */
export function renderIntakePage(options: IntakePageOptions): string {
  const { org, policy } = options;
  const values: FieldValues = options.values ?? {};
  const errors: FieldErrors = options.errors ?? {};
  const allowsFiles = policy.attachments.maxFiles > 0;

  const fields: FieldSpec[] = [
    { name: INTAKE_FIELDS.category, anchor: `${fieldId(INTAKE_FIELDS.category)}-0` },
    ...policy.questions.map((q) => {
      const name = questionFieldName(q.id);
      const grouped = q.kind === 'choice' || q.kind === 'yesno';

      return { name, anchor: grouped ? `${fieldId(name)}-0` : fieldId(name) };
    }),
    { name: INTAKE_FIELDS.description, anchor: fieldId(INTAKE_FIELDS.description) },
    ...(allowsFiles
      ? [{ name: INTAKE_FIELDS.attachments, anchor: fieldId(INTAKE_FIELDS.attachments) }]
      : []),
  ];

  const category = radioGroup({
    name: INTAKE_FIELDS.category,
    legend: 'What is your report about?',
    required: true,
    options: policy.categories.map((c) => ({ value: c.id, label: c.label, hint: c.description })),
    value: values[INTAKE_FIELDS.category],
    error: errors[INTAKE_FIELDS.category],
  });

  const questions = policy.questions.map((q) =>
    renderQuestion(q, values[questionFieldName(q.id)], errors[questionFieldName(q.id)]),
  );

  const description = textArea({
    name: INTAKE_FIELDS.description,
    label: 'Describe what happened',
    hint:
      'Say what happened, when and where, who was involved and how you know. ' +
      'You do not need to give your name.',
    required: true,
    value: values[INTAKE_FIELDS.description],
    error: errors[INTAKE_FIELDS.description],
  });

  const files =
    allowsFiles &&
    fileInput(policy.attachments, errors[INTAKE_FIELDS.attachments], hasErrors(errors));

  const body = html` <h1>Make a report to ${org.name}</h1>
    ${errorSummary(fields, errors)}
    <section class="notice" aria-labelledby="safety-title">
      <h2 id="safety-title">Before you start</h2>
      <ul>
        <li>
          Use a device and a network your employer does not control, such as your own phone on
          mobile data. Tor Browser works on this page.
        </li>
        <li>
          This form does not ask for your name. ${org.name} cannot see who you are unless you tell
          them.
        </li>
        <li>
          Files can hide details such as an author's name or where a photo was taken. We remove them
          from JPEG and PNG images, but not from PDFs or other files.
        </li>
        <li>
          When you send the report you get a mailbox token and a return code. You need both to read
          replies, and nobody can recover them for you.
        </li>
      </ul>
    </section>
    <form method="post" action="${orgPath(org, '/report')}" enctype="multipart/form-data">
      <input type="hidden" name="${INTAKE_FIELDS.policyVersion}" value="${policy.version}" />
      ${csrfInput(options.csrfToken)} ${category} ${questions} ${description} ${files}
      <button type="submit">Send report</button>
    </form>`;

  return page({ org, title: 'Make a report', body, hasErrors: hasErrors(errors) });
}

function renderQuestion(q: IntakeQuestion, value: string | undefined, error: string | undefined) {
  const name = questionFieldName(q.id);

  if (q.kind === 'choice' || q.kind === 'yesno') {
    const options =
      q.kind === 'yesno'
        ? [
            { value: 'yes', label: 'Yes' },
            { value: 'no', label: 'No' },
          ]
        : (q.options ?? []).map((o) => ({ value: o, label: o }));

    return radioGroup({
      name,
      legend: q.label,
      hint: q.help,
      required: q.required,
      options,
      value,
      error,
    });
  }
  if (q.kind === 'longtext') {
    return textArea({
      name,
      label: q.label,
      hint: q.help,
      required: q.required,
      value,
      error,
      maxLength: q.maxLength,
    });
  }

  const id = fieldId(name);
  const type = q.kind === 'date' ? 'date' : 'text';
  const maxLength = q.maxLength !== undefined && html` maxlength="${q.maxLength}"`;
  const required = q.required && html` required`;

  return html` <div class="field${error ? ' field-error' : ''}">
    <label for="${id}">${q.label}${optionalMark(q.required)}</label>
    ${hintAndError(id, q.help, error)}
    <input
      type="${type}"
      id="${id}"
      name="${name}"
      value="${value ?? ''}"
      ${maxLength}${required}${describedBy(id, q.help, error)}
    />
  </div>`;
}
