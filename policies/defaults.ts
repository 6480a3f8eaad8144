/**
 * The policies an organisation starts with until a compliance lead saves its own versions.
 * Each is parsed through its schema when this module loads, so a bad default fails at start-up.
 * Pure: no I/O.
 */
import { IntakePolicySchema, type IntakePolicy } from './intake';
import { RetentionPolicySchema, type RetentionPolicy } from './retention';
import { RoutingPolicySchema, type RoutingPolicy } from './routing';

const MIB = 1024 * 1024;

/**
 * Report categories modelled on the material scope of EU Directive 2019/1937 Art. 2(1), with
 * discrimination and harassment added as Art. 2(2) lets member states and organisations do.
 */
export const DEFAULT_INTAKE_POLICY: IntakePolicy = IntakePolicySchema.parse({
  version: 1,
  categories: [
    {
      id: 'fraud',
      label: 'Fraud and financial misconduct',
      description:
        'Embezzlement, false accounts, tax evasion, money laundering (Art. 2(1)(a)(ii), (b), (c)).',
    },
    {
      id: 'corruption',
      label: 'Bribery and corruption',
      description:
        'Bribes, kickbacks, rigged public procurement, conflicts of interest (Art. 2(1)(a)(i)).',
    },
    {
      id: 'health-and-safety',
      label: 'Health and safety',
      description:
        'Danger to workers or the public, product, food or transport safety ' +
        '(Art. 2(1)(a)(iii), (iv), (vii), (viii)).',
    },
    {
      id: 'environment',
      label: 'Environment',
      description:
        'Pollution, illegal waste disposal, radiation or nuclear safety (Art. 2(1)(a)(v), (vi)).',
    },
    {
      id: 'data-protection',
      label: 'Privacy, data protection and IT security',
      description:
        'Misuse of personal data, security breaches of networks and systems (Art. 2(1)(a)(x)).',
    },
    {
      id: 'consumer-protection',
      label: 'Consumer protection and competition',
      description:
        'Misleading customers, unsafe products on sale, cartels (Art. 2(1)(a)(ix), (c)).',
    },
    {
      id: 'discrimination-harassment',
      label: 'Discrimination and harassment',
      description: 'Unequal treatment, bullying, sexual harassment at work.',
    },
    {
      id: 'other',
      label: 'Something else',
      description: 'Any other breach of law or of our code of conduct.',
    },
  ],
  // Every question is optional: a reporter who cannot answer one should still be able to report.
  questions: [
    {
      id: 'when',
      label: 'When did this happen?',
      help: 'The date, or the first date if it happened more than once.',
      kind: 'date',
      required: false,
    },
    { id: 'ongoing', label: 'Is it still going on?', kind: 'yesno', required: false },
    {
      id: 'where',
      label: 'Where did it happen?',
      help: 'A site, department or project. Leave out anything that would identify you.',
      kind: 'text',
      required: false,
      maxLength: 200,
    },
    {
      id: 'who-is-involved',
      label: 'Who is involved?',
      kind: 'longtext',
      required: false,
      maxLength: 5000,
    },
    {
      id: 'who-else-knows',
      label: 'Who else knows about it?',
      kind: 'longtext',
      required: false,
      maxLength: 5000,
    },
    {
      id: 'how-learned',
      label: 'How did you learn about it?',
      kind: 'choice',
      required: false,
      options: [
        'I saw or experienced it myself',
        'Someone told me',
        'I found documents or records',
        'Another way',
      ],
    },
  ],
  attachments: {
    maxFiles: 5,
    maxBytesPerFile: 5 * MIB,
    allowedTypes: ['application/pdf', 'image/jpeg', 'image/png', 'text/plain'],
  },
});

/** Money matters to finance, physical risks to operations, everything else to compliance. */
export const DEFAULT_ROUTING_POLICY: RoutingPolicy = RoutingPolicySchema.parse({
  version: 1,
  rules: [
    { id: 'financial', when: { categories: ['fraud', 'corruption'] }, team: 'finance' },
    {
      id: 'physical-risk',
      when: { categories: ['health-and-safety', 'environment'] },
      team: 'operations',
    },
  ],
  fallback: { team: 'compliance' },
});

/**
 * Three years after closing, from HinSchG §11(5): documentation is deleted three years after the
 * procedure is completed. Recordings, transcripts and minutes of oral reports are part of that
 * documentation (HinSchG §11(2) to (4), Directive Art. 18(2) to (4)), so they keep the same
 * period.
 */
export const DEFAULT_RETENTION_POLICY: RetentionPolicy = RetentionPolicySchema.parse({
  version: 1,
  closedCaseDays: 1095,
  oralRecordDays: 1095,
  byOutcome: {
    // An unfounded report mostly holds allegations about a person the procedure cleared. Directive
    // Art. 18(1) keeps records no longer than necessary and proportionate, and Art. 22 protects
    // persons concerned; one year still covers follow-up questions and repeated reports. An
    // organisation that reads §11(5) as a fixed period sets this to 1095.
    unfounded: 365,
  },
});
