/**
 * Row constraints declared in a schema file (`constraints: string[]`), e.g. `age >= 0`,
 * `discharge_date >= admit_date`, `pregnant == 'yes' => sex == 'F'`. A small recursive-descent
 * parser (never eval) turns each into an AST; `compileConstraint` checks it against a schema and
 * returns a per-table evaluator.
 *
 * Grammar (lowest precedence first; `=>` is right-associative implication, a => b ≡ !a || b):
 *   implies := or ( '=>' implies )?
 *   or      := and ( '||' and )*
 *   and     := not ( '&&' not )*
 *   not     := '!' not | '(' implies ')' | comparison
 *   comparison := operand ( '==' | '!=' | '<' | '<=' | '>' | '>=' ) operand
 *   operand := column | number | 'string' | "string"
 * Columns are bare names (letters, digits, `_`, `.`, and `-` after the first character, so
 * Adult's `education-num` works; there is no arithmetic) or `backquoted` for any other name.
 *
 * Typing: numeric columns compare with numbers and numeric columns; datetime columns with
 * datetime columns or quoted ISO dates; coded columns with quoted category labels (== and !=;
 * ordinal columns also order by their category order) or coded columns. Semantics: a row in
 * which any referenced value is missing counts as satisfied (the constraint says nothing about
 * unknown values; missingness is scored separately).
 */
import { badConfig } from '../core/errors.js';
import { isNumericKind, type ColumnSpec, type Schema } from '../core/schema.js';
import type { Table } from '../core/table.js';

export type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type Operand = { type: 'column'; name: string; pos: number } | { type: 'number'; value: number; pos: number } | { type: 'string'; value: string; pos: number };

export type ConstraintNode =
  | { type: 'implies' | 'or' | 'and'; left: ConstraintNode; right: ConstraintNode }
  | { type: 'not'; arg: ConstraintNode }
  | { type: 'cmp'; op: CmpOp; left: Operand; right: Operand; pos: number };

type Token =
  | { t: 'op'; v: string; pos: number }
  | { t: 'column'; v: string; pos: number }
  | { t: 'number'; v: number; pos: number }
  | { t: 'string'; v: string; pos: number }
  | { t: 'end'; pos: number };

const fail = (text: string, pos: number, problem: string, fix: string) => badConfig(`constraint "${text}": ${problem} at position ${pos + 1}; ${fix}`);

const OPS = ['==', '!=', '<=', '>=', '&&', '||', '=>', '<', '>', '!', '(', ')'];

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    // `-` followed by a digit is a negative number; `!=` wins over `!`
    if (op) {
      out.push({ t: 'op', v: op, pos: i });
      i += op.length;
      continue;
    }
    if (ch === '=') throw fail(text, i, 'single "=" is not an operator', 'write "==" to compare or "=>" for implication');
    const num = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
    if (num) {
      out.push({ t: 'number', v: Number(num[0]), pos: i });
      i += num[0].length;
      continue;
    }
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== ch) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        s += text[j++];
      }
      if (j >= text.length) throw fail(text, i, 'unterminated string', `close it with ${ch}`);
      out.push({ t: 'string', v: s, pos: i });
      i = j + 1;
      continue;
    }
    if (ch === '`') {
      const j = text.indexOf('`', i + 1);
      if (j < 0) throw fail(text, i, 'unterminated `column name`', 'close it with `');
      out.push({ t: 'column', v: text.slice(i + 1, j), pos: i });
      i = j + 1;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(text.slice(i));
    if (id) {
      out.push({ t: 'column', v: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    throw fail(text, i, `unexpected character "${ch}"`, 'use column names, numbers, quoted strings, == != < <= > >= && || ! => and parentheses');
  }
  out.push({ t: 'end', pos: text.length });
  return out;
}

/** Parse a constraint's syntax (no schema needed). Throws a one-line BAD_CONFIG error. */
export function parseConstraint(text: string): ConstraintNode {
  const toks = tokenize(text);
  let k = 0;
  const peek = () => toks[k];
  const isOp = (v: string) => {
    const t = peek();
    return t.t === 'op' && t.v === v;
  };
  const describe = (t: Token) => (t.t === 'end' ? 'end of constraint' : t.t === 'op' ? `"${t.v}"` : t.t === 'string' ? `'${t.v}'` : `"${t.v}"`);

  const implies = (): ConstraintNode => {
    const left = or();
    if (isOp('=>')) {
      k++;
      return { type: 'implies', left, right: implies() };
    }
    return left;
  };
  const or = (): ConstraintNode => {
    let left = and();
    while (isOp('||')) {
      k++;
      left = { type: 'or', left, right: and() };
    }
    return left;
  };
  const and = (): ConstraintNode => {
    let left = not();
    while (isOp('&&')) {
      k++;
      left = { type: 'and', left, right: not() };
    }
    return left;
  };
  const not = (): ConstraintNode => {
    if (isOp('!')) {
      k++;
      return { type: 'not', arg: not() };
    }
    if (isOp('(')) {
      const open = peek();
      k++;
      const inner = implies();
      if (!isOp(')')) throw fail(text, peek().pos, `expected ")" to close the "(" at position ${open.pos + 1}, found ${describe(peek())}`, 'balance the parentheses');
      k++;
      return inner;
    }
    return comparison();
  };
  const operand = (): Operand => {
    const t = peek();
    if (t.t === 'column') {
      k++;
      return { type: 'column', name: t.v, pos: t.pos };
    }
    if (t.t === 'number' || t.t === 'string') {
      k++;
      return { type: t.t, value: t.v, pos: t.pos } as Operand;
    }
    throw fail(text, t.pos, `expected a column, number or quoted string, found ${describe(t)}`, 'write a comparison such as age >= 0');
  };
  const comparison = (): ConstraintNode => {
    const left = operand();
    const t = peek();
    if (!(t.t === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.v))) {
      throw fail(text, t.pos, `expected a comparison operator after ${left.type === 'column' ? `"${left.name}"` : 'the value'}, found ${describe(t)}`, 'use == != < <= > or >=');
    }
    k++;
    const right = operand();
    return { type: 'cmp', op: t.v as CmpOp, left, right, pos: t.pos };
  };

  if (text.trim() === '') throw fail(text, 0, 'empty constraint', 'write a condition such as age >= 0 or remove the entry');
  const ast = implies();
  if (peek().t !== 'end') throw fail(text, peek().pos, `unexpected ${describe(peek())}`, 'join conditions with && || or =>');
  return ast;
}

/** Column names a constraint references, in order of first mention. */
export function referencedColumns(node: ConstraintNode): string[] {
  const out: string[] = [];
  const visit = (n: ConstraintNode) => {
    if (n.type === 'cmp') {
      for (const o of [n.left, n.right]) if (o.type === 'column' && !out.includes(o.name)) out.push(o.name);
    } else if (n.type === 'not') visit(n.arg);
    else {
      visit(n.left);
      visit(n.right);
    }
  };
  visit(node);
  return out;
}

/** Evaluates a constraint over a table: 1 = satisfied (or a referenced value missing), 0 = violated. */
export interface CompiledConstraint {
  text: string;
  columns: string[];
  evaluate(table: Table): Uint8Array;
}

type RowFn = (i: number) => boolean;
type Value = { kind: 'num'; get: (t: Table) => (i: number) => number } | { kind: 'label'; get: (t: Table) => (i: number) => string; spec?: ColumnSpec; literal?: string };

/** Check a constraint against a schema (columns exist, types fit) and compile it. */
export function compileConstraint(text: string, schema: Schema): CompiledConstraint {
  const ast = parseConstraint(text);
  const byName = new Map(schema.columns.map((c) => [c.name, c]));
  const columns = referencedColumns(ast);
  for (const n of columns) {
    if (!byName.has(n)) throw badConfig(`constraint "${text}": unknown column "${n}"; known columns: ${schema.columns.map((c) => c.name).join(', ')}`);
  }

  // Build closures per table: compile returns a function from table to row predicate.
  const build = (node: ConstraintNode): ((t: Table) => RowFn) => {
    switch (node.type) {
      case 'and': {
        const a = build(node.left);
        const b = build(node.right);
        return (t) => {
          const fa = a(t);
          const fb = b(t);
          return (i) => fa(i) && fb(i);
        };
      }
      case 'or': {
        const a = build(node.left);
        const b = build(node.right);
        return (t) => {
          const fa = a(t);
          const fb = b(t);
          return (i) => fa(i) || fb(i);
        };
      }
      case 'implies': {
        const a = build(node.left);
        const b = build(node.right);
        return (t) => {
          const fa = a(t);
          const fb = b(t);
          return (i) => !fa(i) || fb(i);
        };
      }
      case 'not': {
        const a = build(node.arg);
        return (t) => {
          const fa = a(t);
          return (i) => !fa(i);
        };
      }
      case 'cmp':
        return compileComparison(text, node, byName);
    }
  };
  const pred = build(ast);
  return {
    text,
    columns,
    evaluate(table: Table): Uint8Array {
      const f = pred(table);
      const missing = columns.map((c) => {
        const col = table.column(c);
        return col.type === 'numeric' ? (i: number) => col.values[i] !== col.values[i] : (i: number) => col.codes[i] < 0;
      });
      const out = new Uint8Array(table.nRows);
      for (let i = 0; i < table.nRows; i++) {
        let miss = false;
        for (const m of missing) if (m(i)) miss = true;
        out[i] = miss || f(i) ? 1 : 0;
      }
      return out;
    },
  };
}

function compileComparison(text: string, node: Extract<ConstraintNode, { type: 'cmp' }>, byName: Map<string, ColumnSpec>): (t: Table) => RowFn {
  const { op } = node;
  const ordering = op !== '==' && op !== '!=';
  const side = (o: Operand, other: Operand): Value => {
    if (o.type === 'number') {
      const v = o.value;
      if (other.type === 'column') {
        const spec = byName.get(other.name)!;
        if (spec.kind === 'datetime') throw fail(text, o.pos, `${v} is compared with datetime column "${spec.name}"`, `write the date as a quoted ISO string, e.g. '2020-01-31'`);
        if (!isNumericKind(spec.kind)) {
          // a coded column whose labels are numbers (e.g. grade 1..5) compares by label
          return labelLiteral(String(v), o, spec);
        }
      }
      return { kind: 'num', get: () => () => v };
    }
    if (o.type === 'string') {
      if (other.type === 'column') {
        const spec = byName.get(other.name)!;
        if (spec.kind === 'datetime') {
          const ms = Date.parse(o.value);
          if (Number.isNaN(ms)) throw fail(text, o.pos, `'${o.value}' is not an ISO date`, `write dates as 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM:SSZ'`);
          return { kind: 'num', get: () => () => ms };
        }
        if (isNumericKind(spec.kind)) throw fail(text, o.pos, `'${o.value}' is a string but "${spec.name}" is ${spec.kind}`, 'compare numeric columns with unquoted numbers');
        return labelLiteral(o.value, o, spec);
      }
      const s = o.value;
      return { kind: 'label', get: () => () => s, literal: s };
    }
    const spec = byName.get(o.name)!;
    const name = o.name;
    if (isNumericKind(spec.kind)) {
      if (other.type === 'column' && byName.get(other.name)!.kind !== spec.kind && (spec.kind === 'datetime' || byName.get(other.name)!.kind === 'datetime')) {
        throw fail(text, o.pos, `"${name}" (${spec.kind}) is compared with "${other.name}" (${byName.get(other.name)!.kind})`, 'compare datetime columns only with datetime columns or quoted ISO dates');
      }
      return { kind: 'num', get: (t) => {
        const v = t.numeric(name);
        return (i) => v[i];
      } };
    }
    const cats = spec.categories!;
    return { kind: 'label', spec, get: (t) => {
      const c = t.codes(name);
      return (i) => cats[c[i]];
    } };
  };
  const labelLiteral = (label: string, o: Operand, spec: ColumnSpec): Value => {
    const cats = spec.categories ?? [];
    if (!cats.includes(label)) {
      throw fail(text, o.pos, `'${label}' is not a category of "${spec.name}"`, `use one of ${cats.slice(0, 20).map((c) => `'${c}'`).join(', ')}${cats.length > 20 ? ', ...' : ''}`);
    }
    return { kind: 'label', get: () => () => label, literal: label, spec };
  };

  const L = side(node.left, node.right);
  const R = side(node.right, node.left);
  if (L.kind !== R.kind) {
    throw fail(text, node.pos, `"${op}" compares a number with a category label`, 'compare numeric columns with numbers and coded columns with quoted labels');
  }
  if (L.kind === 'num' && R.kind === 'num') {
    const lg = L.get;
    const rg = R.get;
    return (t) => {
      const a = lg(t);
      const b = rg(t);
      switch (op) {
        case '==': return (i) => a(i) === b(i);
        case '!=': return (i) => a(i) !== b(i);
        case '<': return (i) => a(i) < b(i);
        case '<=': return (i) => a(i) <= b(i);
        case '>': return (i) => a(i) > b(i);
        case '>=': return (i) => a(i) >= b(i);
      }
    };
  }
  const lv = L as Extract<Value, { kind: 'label' }>;
  const rv = R as Extract<Value, { kind: 'label' }>;
  if (ordering) {
    // ordinal order: both sides must index into the same ordinal category list
    const spec = lv.spec ?? rv.spec;
    const sameList = lv.spec && rv.spec ? lv.spec.categories!.join('\u0000') === rv.spec.categories!.join('\u0000') : true;
    if (!spec || spec.kind !== 'ordinal' || (lv.spec && lv.spec.kind !== 'ordinal') || (rv.spec && rv.spec.kind !== 'ordinal') || !sameList) {
      throw fail(text, node.pos, `"${op}" needs an order but ${spec ? `"${spec.name}" is ${spec.kind}` : 'both sides are strings'}`, 'use == or != for categories, or declare the column ordinal in the schema file');
    }
    const rank = new Map(spec.categories!.map((c, j) => [c, j]));
    const lg = lv.get;
    const rg = rv.get;
    return (t) => {
      const a = lg(t);
      const b = rg(t);
      const d = (i: number) => rank.get(a(i))! - rank.get(b(i))!;
      switch (op) {
        case '<': return (i) => d(i) < 0;
        case '<=': return (i) => d(i) <= 0;
        case '>': return (i) => d(i) > 0;
        default: return (i) => d(i) >= 0;
      }
    };
  }
  const lg = lv.get;
  const rg = rv.get;
  return (t) => {
    const a = lg(t);
    const b = rg(t);
    return op === '==' ? (i) => a(i) === b(i) : (i) => a(i) !== b(i);
  };
}

/** Compile every constraint (first problem throws, naming the source). */
export function compileConstraints(texts: string[], schema: Schema, source?: string): CompiledConstraint[] {
  return texts.map((t) => {
    try {
      return compileConstraint(t, schema);
    } catch (err) {
      if (source && err instanceof Error) throw badConfig(`${source}: ${err.message}`);
      throw err;
    }
  });
}

export function schemaConstraints(schema: Schema): string[] {
  return schema.constraints ?? [];
}
