/*
 * Why not JSON.parse's own message: since Node 20 it quotes the input around
 * the error (`Unexpected token 'R', ..."line1": Rua 1}" is not valid JSON`),
 * and an order's text is a customer's name and address. What orderflow reports
 * about invalid JSON (file history, alerts, logs) is a position, never content.
 */

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/**
 * The index (UTF-16 code units) of the first character that makes `text`
 * invalid JSON (`text.length` when it ends too early), or undefined when it is
 * valid JSON. Iterative, so deep nesting cannot overflow the stack.
 */
export function jsonSyntaxErrorIndex(text: string): number | undefined {
  const n = text.length;
  let i = 0;
  /** Open containers: `{` or `[`. */
  const stack: string[] = [];
  const skipWhitespace = () => {
    while (i < n && WHITESPACE.has(text.charCodeAt(i))) i++;
  };
  /** Reads a string starting at its opening quote; false (with `i` at the fault) when invalid. */
  const readString = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const next = text[i + 1];
        if (next === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i += 2;
            while (i < n && /[0-9a-fA-F]/.test(text[i]!)) i++;
            return false;
          }
          i += 6;
          continue;
        }
        if (next === undefined || !ESCAPES.has(next)) {
          i++;
          return false;
        }
        i += 2;
        continue;
      }
      i++;
    }
    return false;
  };
  /** Reads one scalar or opens a container; false (with `i` at the fault) when invalid. */
  const readValue = (): boolean => {
    const c = text[i];
    if (c === "{" || c === "[") {
      stack.push(c);
      i++;
      return true;
    }
    if (c === '"') return readString();
    const literal = c === "t" ? "true" : c === "f" ? "false" : c === "n" ? "null" : undefined;
    if (literal !== undefined) {
      for (const expected of literal) {
        if (text[i] !== expected) return false;
        i++;
      }
      return true;
    }
    return readNumber();
  };
  /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, with `i` at the first character that breaks it. */
  const readNumber = (): boolean => {
    const digits = (): boolean => {
      const from = i;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      return i > from;
    };
    if (text[i] === "-") i++;
    if (text[i] === "0") i++;
    else if (!digits()) return false;
    if (text[i] === ".") {
      i++;
      if (!digits()) return false;
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      if (!digits()) return false;
    }
    return true;
  };

  skipWhitespace();
  if (!readValue()) return i;
  // After each value (or an opened container): close, separate, or expect the next member.
  let justOpened = stack.length > 0;
  for (;;) {
    skipWhitespace();
    const top = stack[stack.length - 1];
    if (top === undefined) return i === n ? undefined : i;
    if (i >= n) return n;
    const c = text[i];
    if (justOpened) {
      justOpened = false;
      if ((top === "{" && c === "}") || (top === "[" && c === "]")) {
        stack.pop();
        i++;
        continue;
      }
    } else if (c === ",") {
      i++;
      skipWhitespace();
    } else if ((top === "{" && c === "}") || (top === "[" && c === "]")) {
      stack.pop();
      i++;
      continue;
    } else {
      return i;
    }
    if (top === "{") {
      if (text[i] !== '"' || !readString()) return i;
      skipWhitespace();
      if (text[i] !== ":") return i;
      i++;
      skipWhitespace();
    }
    const depth = stack.length;
    if (!readValue()) return i;
    justOpened = stack.length > depth;
  }
}

/**
 * The byte offset (UTF-8) within `text` of its first JSON syntax error, or
 * undefined when `text` is valid JSON.
 */
export function jsonSyntaxErrorByte(text: string): number | undefined {
  const index = jsonSyntaxErrorIndex(text);
  return index === undefined ? undefined : new TextEncoder().encode(text.slice(0, index)).length;
}

/**
 * `invalid JSON at byte N of the <what>`: where `text` stops being JSON,
 * without quoting any of it.
 */
export function describeInvalidJson(text: string, what: string): string {
  const at = jsonSyntaxErrorByte(text);
  return at === undefined ? `invalid JSON in the ${what}` : `invalid JSON at byte ${at} of the ${what}`;
}
