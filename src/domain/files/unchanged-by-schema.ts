import type * as z from "zod/mini";

/**
 * A quick "certainly valid, and output unchanged" test compiled from a zod
 * schema's own definition, for input that comes by the million (the orders of
 * a batch file): running a zod schema costs several times what parsing the
 * JSON does, and nearly every order is valid and already in canonical form.
 *
 * It reads the rules from the schema (`_zod.def`: shapes, patterns, bounds,
 * refinements, overwrites such as trim), so there is still one definition of
 * every rule. It answers true only when every check passes and no overwrite
 * changes anything; for anything else, and for any schema part or check it
 * does not know, it answers false and the caller runs the schema itself,
 * which stays the only judge of what is invalid and why. A property test
 * holds it to that: whatever it accepts, the schema accepts and returns equal.
 */
export type UnchangedBySchema = (value: unknown) => boolean;

type Test = (value: unknown) => boolean;

interface Def {
  readonly type: string;
  readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
  readonly shape?: Readonly<Record<string, Schema>>;
  readonly catchall?: Schema;
  readonly innerType?: Schema;
  readonly element?: Schema;
}

interface CheckDef {
  readonly check: string;
  readonly format?: string;
  readonly pattern?: RegExp;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly value?: unknown;
  readonly inclusive?: boolean;
  readonly tx?: (value: unknown) => unknown;
  readonly fn?: (value: unknown) => unknown;
}

interface Schema {
  readonly _zod: { readonly def: Def };
}

const never: Test = () => false;

/** Compiles `schema` (once) into its quick test; a schema it cannot read gives a test that always says false. */
export function unchangedBySchema(schema: z.ZodMiniType): UnchangedBySchema {
  return compile(schema as unknown as Schema) ?? never;
}

function compile(schema: Schema): Test | undefined {
  const def = schema._zod.def;
  const checks = compileChecks(def.checks ?? []);
  if (!checks) return undefined;
  let test: Test | undefined;
  switch (def.type) {
    case "string":
      test = (v) => typeof v === "string";
      break;
    case "number":
      test = (v) => typeof v === "number" && Number.isFinite(v);
      break;
    case "object":
      test = compileObject(def);
      break;
    case "array": {
      const element = def.element && compile(def.element);
      if (element)
        test = (v) => {
          if (!Array.isArray(v)) return false;
          for (const item of v) if (!element(item)) return false;
          return true;
        };
      break;
    }
    default:
      return undefined;
  }
  if (!test) return undefined;
  const typed = test;
  if (checks.length === 0) return typed;
  return (v) => {
    if (!typed(v)) return false;
    for (const check of checks) if (!check(v)) return false;
    return true;
  };
}

function compileObject(def: Def): Test | undefined {
  // Strict objects only: an unknown key is an issue, so output = input when every key is known.
  if (def.catchall?._zod.def.type !== "never" || !def.shape) return undefined;
  const fields: { key: string; test: Test; optional: boolean }[] = [];
  for (const [key, field] of Object.entries(def.shape)) {
    const fieldDef = field._zod.def;
    const optional = fieldDef.type === "optional";
    const test = optional ? fieldDef.innerType && compile(fieldDef.innerType) : compile(field);
    if (!test || (optional && (fieldDef.checks?.length ?? 0) > 0)) return undefined;
    fields.push({ key, test, optional });
  }
  const known = new Set(fields.map((f) => f.key));
  return (value) => {
    // What JSON.parse makes; anything more exotic goes to the schema.
    if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype)
      return false;
    const record = value as Record<string, unknown>;
    for (const key in record) if (!known.has(key)) return false;
    for (const { key, test, optional } of fields) {
      const v = record[key];
      if (v === undefined ? !optional || key in record : !test(v)) return false;
    }
    return true;
  };
}

function compileChecks(checks: NonNullable<Def["checks"]>): Test[] | undefined {
  const tests: Test[] = [];
  for (const check of checks) {
    const test = compileCheck(check._zod.def);
    if (!test) return undefined;
    tests.push(test);
  }
  return tests;
}

const lengthOf = (v: unknown) => (v as { length: number }).length;

function compileCheck(def: CheckDef): Test | undefined {
  switch (def.check) {
    case "min_length":
      return def.minimum === undefined ? undefined : (v) => lengthOf(v) >= def.minimum!;
    case "max_length":
      return def.maximum === undefined ? undefined : (v) => lengthOf(v) <= def.maximum!;
    case "string_format": {
      const pattern = def.format === "regex" ? def.pattern : undefined;
      if (!pattern) return undefined;
      return (v) => {
        pattern.lastIndex = 0;
        return pattern.test(v as string);
      };
    }
    case "number_format":
      return def.format === "safeint" ? (v) => Number.isSafeInteger(v) : undefined;
    case "greater_than": {
      const bound = def.value;
      if (typeof bound !== "number") return undefined;
      return def.inclusive ? (v) => (v as number) >= bound : (v) => (v as number) > bound;
    }
    case "less_than": {
      const bound = def.value;
      if (typeof bound !== "number") return undefined;
      return def.inclusive ? (v) => (v as number) <= bound : (v) => (v as number) < bound;
    }
    case "overwrite": {
      // Unchanged only if the overwrite (trim, …) gives back the very same value.
      const tx = def.tx;
      return tx ? (v) => tx(v) === v : undefined;
    }
    case "custom": {
      const fn = def.fn;
      return fn ? (v) => fn(v) === true : undefined;
    }
    default:
      return undefined;
  }
}
