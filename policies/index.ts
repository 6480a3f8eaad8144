/**
 * The policies' public surface: schemas, types, pure evaluation and the default documents.
 * Pure: no I/O.
 */
export * from './defaults';
export * from './intake';
export * from './intake-attachments';
export * from './retention';
export * from './routing';
