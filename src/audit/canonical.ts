// Canonical JSON: one exact text for each JSON value, so that a hash taken here can be taken again
// anywhere else (the audit chain, and an exported trail verified away from the service).
//
// Follows RFC 8785 (JSON Canonicalization Scheme): no whitespace (§3.2.1), strings and numbers
// written as ECMAScript's JSON.stringify writes them (§3.2.2.2, §3.2.2.3), object keys sorted by
// UTF-16 code units (§3.2.3). It is stricter than JSON.stringify about what it accepts: anything
// JSON.stringify would silently drop, coerce or hand to a `toJSON` method is refused, because two
// different values must never share one canonical text.
//
// Pure: no I/O.

/**
 * Writes `value` as canonical JSON (RFC 8785): no whitespace, object keys sorted by UTF-16 code
 * units, arrays in order, object properties whose value is `undefined` omitted.
 *
 * Accepts null, booleans, strings, finite numbers, arrays and plain objects (prototype
 * `Object.prototype` or null). Lone surrogates in strings are escaped as `\uXXXX`, so the output is
 * always well-formed Unicode and encodes to UTF-8 without loss.
 *
 * @throws TypeError for a non-finite number (JSON has no NaN or Infinity), a bigint, symbol or
 *   function, `undefined` anywhere but as an object property, a sparse array hole, an object that
 *   is not plain (Date, Map, class instances: their JSON form depends on `toJSON` or loses data),
 *   or a cycle. The message names the path of the offending value, e.g. `$["details"][2]`.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set());
}

function write(value: unknown, path: string, open: Set<object>): string {
  if (value === null) return 'null';

  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError(`canonicalJson: non-finite number ${value} at ${path}`);
      }
      // ECMAScript Number::toString, as RFC 8785 §3.2.2.3 requires; -0 is written as 0.
      return JSON.stringify(value);
    case 'object':
      return writeContainer(value, path, open);
    default:
      throw new TypeError(`canonicalJson: ${typeof value} is not a JSON value at ${path}`);
  }
}

function writeContainer(value: object, path: string, open: Set<object>): string {
  if (open.has(value)) throw new TypeError(`canonicalJson: cycle at ${path}`);
  open.add(value);

  const text = Array.isArray(value)
    ? writeArray(value, path, open)
    : writeObject(value, path, open);

  open.delete(value);

  return text;
}

function writeArray(value: readonly unknown[], path: string, open: Set<object>): string {
  const parts: string[] = [];
  for (let index = 0; index < value.length; index++) {
    const item: unknown = value[index];
    const itemPath = `${path}[${index}]`;
    // JSON.stringify writes null here; that would make [undefined] and [null] hash alike.
    if (item === undefined) throw new TypeError(`canonicalJson: undefined at ${itemPath}`);
    parts.push(write(item, itemPath, open));
  }

  return `[${parts.join(',')}]`;
}

function writeObject(value: object, path: string, open: Set<object>): string {
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new TypeError(`canonicalJson: not a plain object at ${path}`);
  }

  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => compareCodeUnits(a, b));

  const parts = entries.map(([key, item]) => {
    const name = JSON.stringify(key);

    return `${name}:${write(item, `${path}[${name}]`, open)}`;
  });

  return `{${parts.join(',')}}`;
}

/** RFC 8785 §3.2.3: order by UTF-16 code units, which is what `<` on JS strings compares. */
function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;

  return a > b ? 1 : 0;
}
