import { describe, expect, it } from 'vitest';
import { compileConstraint, parseConstraint, referencedColumns } from '../../../src/data/constraints.js';
import { applySchemaOverrides, parseSchemaOverrides } from '../../../src/data/schema-file.js';
import { makeTable } from '../../ml/tables.js';

const table = makeTable([
  { name: 'age', kind: 'integer', values: [30, -1, 50, NaN, 20] },
  { name: 'admit', kind: 'datetime', values: [Date.parse('2020-01-01'), Date.parse('2020-02-01'), Date.parse('2020-03-01'), Date.parse('2020-04-01'), Date.parse('2019-06-01')] },
  { name: 'discharge', kind: 'datetime', values: [Date.parse('2020-01-05'), Date.parse('2020-01-20'), Date.parse('2020-03-01'), NaN, Date.parse('2019-06-02')] },
  { name: 'sex', labels: ['F', 'M', 'M', 'F', null], categories: ['F', 'M'] },
  { name: 'pregnant', labels: ['yes', 'yes', 'no', 'yes', 'yes'], categories: ['no', 'yes'] },
  { name: 'stage', kind: 'ordinal', labels: ['I', 'III', 'II', 'I', 'II'], categories: ['I', 'II', 'III'] },
  { name: 'education-num', kind: 'integer', values: [9, 13, 10, 9, 16] },
]);
const sat = (expr: string) => Array.from(compileConstraint(expr, table.schema).evaluate(table));

describe('constraint parser', () => {
  it('parses precedence: => lowest and right-associative, then ||, &&, !', () => {
    const ast = parseConstraint("a == 1 || b == 2 && !c == 3 => d >= 'x' => e < -2.5");
    expect(ast.type).toBe('implies');
    if (ast.type !== 'implies') return;
    expect(ast.left.type).toBe('or');
    expect(ast.right.type).toBe('implies');
    expect(referencedColumns(ast)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('reads hyphenated, dotted and backquoted column names and negative numbers', () => {
    const ast = parseConstraint('education-num>-1 && `capital gain` >= 0 && x.y != 1e3');
    expect(referencedColumns(ast)).toEqual(['education-num', 'capital gain', 'x.y']);
  });

  it('reports syntax errors on one line with the position and a fix', () => {
    expect(() => parseConstraint('age = 3')).toThrow('constraint "age = 3": single "=" is not an operator at position 5; write "==" to compare or "=>" for implication');
    expect(() => parseConstraint('(age > 3')).toThrow('constraint "(age > 3": expected ")" to close the "(" at position 1, found end of constraint at position 9; balance the parentheses');
    expect(() => parseConstraint('age')).toThrow(/expected a comparison operator after "age", found end of constraint at position 4/);
    expect(() => parseConstraint("sex == 'F")).toThrow(/unterminated string at position 8/);
    expect(() => parseConstraint('age > 3 age < 4')).toThrow(/unexpected "age" at position 9; join conditions/);
    expect(() => parseConstraint('age >= 0 # x')).toThrow(/unexpected character "#" at position 10/);
    expect(() => parseConstraint('  ')).toThrow(/empty constraint/);
    for (const bad of ['age = 3', '(age > 3']) expect(() => parseConstraint(bad)).not.toThrow(/\n/);
  });
});

describe('constraint evaluation', () => {
  it('numeric comparisons, with missing referenced values counting as satisfied', () => {
    expect(sat('age >= 0')).toEqual([1, 0, 1, 1, 1]);
    expect(sat('age > 25 && age < 40')).toEqual([1, 0, 0, 1, 0]);
    expect(sat('!(age >= 0)')).toEqual([0, 1, 0, 1, 0]);
    expect(sat('education-num >= 10 || age == 50')).toEqual([0, 1, 1, 1, 1]);
  });

  it('datetime columns against each other and against ISO dates', () => {
    expect(sat('discharge >= admit')).toEqual([1, 0, 1, 1, 1]);
    expect(sat("admit >= '2020-01-01'")).toEqual([1, 1, 1, 1, 0]);
  });

  it('categories, implication and ordinal order', () => {
    // row 1: pregnant yes, sex M → violated; row 4: sex missing → satisfied
    expect(sat("pregnant == 'yes' => sex == 'F'")).toEqual([1, 0, 1, 1, 1]);
    expect(sat("sex != 'M'")).toEqual([1, 0, 0, 1, 1]);
    expect(sat("stage >= 'II'")).toEqual([0, 1, 1, 0, 1]);
    expect(sat("stage < 'III' => age >= 25")).toEqual([1, 1, 1, 1, 0]);
  });

  it('names unknown columns and type mistakes', () => {
    expect(() => compileConstraint('agee >= 0', table.schema)).toThrow(/constraint "agee >= 0": unknown column "agee"; known columns: age, admit/);
    expect(() => compileConstraint("sex == 'X'", table.schema)).toThrow(`constraint "sex == 'X'": 'X' is not a category of "sex" at position 8; use one of 'F', 'M'`);
    expect(() => compileConstraint("age > 'a'", table.schema)).toThrow(/'a' is a string but "age" is integer/);
    expect(() => compileConstraint('admit > 5', table.schema)).toThrow(/quoted ISO string/);
    expect(() => compileConstraint("admit > 'soon'", table.schema)).toThrow(/'soon' is not an ISO date/);
    expect(() => compileConstraint("sex < 'M'", table.schema)).toThrow(/"<" needs an order but "sex" is categorical/);
    expect(() => compileConstraint('admit >= age', table.schema)).toThrow(/compare datetime columns only/);
  });
});

describe('schema file constraints', () => {
  it('checks syntax when the file is read and columns when it is applied', () => {
    expect(() => parseSchemaOverrides({ constraints: ['age => 1'] }, 'schema file s.json')).toThrow(/^schema file s\.json: constraints: constraint "age => 1": expected a comparison operator/);
    const o = parseSchemaOverrides({ constraints: ['age >= 0', "pregnant == 'yes' => sex == 'F'"] });
    const schema = applySchemaOverrides(table.schema, o, 'schema file s.json');
    expect((schema as { constraints?: string[] }).constraints).toEqual(['age >= 0', "pregnant == 'yes' => sex == 'F'"]);
    expect(() => applySchemaOverrides(table.schema, parseSchemaOverrides({ constraints: ['weight > 0'] }), 'schema file s.json')).toThrow(
      /^schema file s\.json: constraints: constraint "weight > 0": unknown column "weight"/,
    );
  });
});
