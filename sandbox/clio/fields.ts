import { clioError } from './errors';

/**
 * The fields a resource exposes. `null` marks a plain value; an object marks a nested resource (or list of
 * them) whose own fields can be picked with braces: `client{id,name}`.
 */
export interface FieldSchema {
  readonly [field: string]: FieldSchema | null;
}

export interface FieldSelection {
  name: string;
  /** Subfields picked in braces; undefined = the nested resource's default (`id`, `etag`). */
  nested?: string[];
}

/** What Clio returns when no `fields` parameter is given. */
export const DEFAULT_FIELDS: FieldSelection[] = [{ name: 'id' }, { name: 'etag' }];

const FIELD_NAME = /^[a-z_][a-z0-9_]*$/;

function validateName(name: string, schema: FieldSchema, resource: string): void {
  if (!FIELD_NAME.test(name) || !Object.hasOwn(schema, name)) {
    throw clioError(400, `Invalid field '${name}' for ${resource}`);
  }
}

/** Splits on commas that are not inside braces. */
function splitTopLevel(fields: string, resource: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of fields) {
    if (char === '{') depth += 1;
    if (char === '}') depth -= 1;
    if (depth < 0) throw clioError(400, `Unbalanced braces in fields for ${resource}`);
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (depth !== 0) throw clioError(400, `Unbalanced braces in fields for ${resource}`);
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

/** Parses `id,etag,client{id,name}`; only one nested level may be customised, as in Clio. */
export function parseFields(fields: string | undefined, schema: FieldSchema, resource: string): FieldSelection[] {
  if (fields === undefined || fields.trim() === '') return DEFAULT_FIELDS;
  return splitTopLevel(fields, resource).map((part) => {
    const brace = part.indexOf('{');
    if (brace === -1) {
      validateName(part, schema, resource);
      return { name: part };
    }
    const name = part.slice(0, brace).trim();
    validateName(name, schema, resource);
    const inner = part.slice(brace + 1, -1);
    if (!part.endsWith('}') || inner.includes('{') || inner.includes('}')) {
      throw clioError(400, `Nested fields deeper than one level are not supported ('${part}')`);
    }
    const nestedSchema = schema[name];
    if (!nestedSchema) throw clioError(400, `Field '${name}' of ${resource} has no nested fields`);
    const nested = inner
      .split(',')
      .map((sub) => sub.trim())
      .filter((sub) => sub !== '');
    for (const sub of nested) validateName(sub, nestedSchema, `${resource}.${name}`);
    return { name, nested };
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A nested resource nobody asked to customise is shown by its identity only. */
function defaultNested(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(defaultNested);
  if (!isPlainObject(value)) return value;
  const shown: Record<string, unknown> = {};
  if ('id' in value) shown.id = value.id;
  if ('etag' in value) shown.etag = value.etag;
  return shown;
}

function pick(value: unknown, names: string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => pick(item, names));
  if (!isPlainObject(value)) return value;
  const shown: Record<string, unknown> = {};
  for (const name of names) shown[name] = defaultNested(value[name] ?? null);
  return shown;
}

/** Applies a parsed selection to a record's full representation. */
export function selectFields(full: Record<string, unknown>, selection: FieldSelection[]): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const { name, nested } of selection) {
    const value = full[name] ?? null;
    shown[name] = nested ? pick(value, nested) : defaultNested(value);
  }
  return shown;
}
