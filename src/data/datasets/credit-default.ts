/**
 * Default of credit card clients (Yeh & Lien 2009; UCI dataset 350): 30,000 card holders of a
 * Taiwanese bank, April-September 2005, target default payment in October. UCI distributes an
 * Excel workbook; synthbench reads the CSV export pinned here (two header lines: X1..X23/Y, then
 * the names), so the dataset comes only from a mirror or the cache; a download cannot produce
 * these bytes and is refused with a message saying where the file goes. The row number `ID` is
 * dropped, codes of SEX, EDUCATION and MARRIAGE get labels, repayment statuses PAY_* stay ordinal
 * codes and amounts stay integers (NT dollars).
 */
import { z } from 'zod';
import { badInput } from '../../core/errors.js';
import type { Table } from '../../core/table.js';
import { parseCsv } from '../csv.js';
import type { DatasetSpec } from '../dataset-spec.js';
import { recodeColumn } from '../recode.js';
import type { SchemaOverrides } from '../schema-file.js';
import { inferSchema } from '../schema-infer.js';
import { tableFromColumns } from '../table-csv.js';

const XLS_URL = 'https://archive.ics.uci.edu/ml/machine-learning-databases/00350/default%20of%20credit%20card%20clients.xls';
const FILE = 'default_of_credit_card_clients.csv';
const UPSTREAM_TARGET = 'default payment next month';

const PAY = ['PAY_0', 'PAY_2', 'PAY_3', 'PAY_4', 'PAY_5', 'PAY_6'];
const BILL = [1, 2, 3, 4, 5, 6].map((k) => `BILL_AMT${k}`);
const PAID = [1, 2, 3, 4, 5, 6].map((k) => `PAY_AMT${k}`);

/** Upstream names in file order except ID; the target is renamed to snake case. */
export const CREDIT_COLUMNS = ['LIMIT_BAL', 'SEX', 'EDUCATION', 'MARRIAGE', 'AGE', ...PAY, ...BILL, ...PAID, 'default_payment_next_month'];

/** UCI's documentation; codes 0, 5, 6 (EDUCATION) and 0 (MARRIAGE) occur but are not documented. */
export const CREDIT_CODES: Record<string, Record<string, string>> = {
  SEX: { '1': 'male', '2': 'female' },
  EDUCATION: { '1': 'graduate school', '2': 'university', '3': 'high school', '4': 'others', '5': 'unknown (5)', '6': 'unknown (6)', '0': 'undocumented (0)' },
  MARRIAGE: { '1': 'married', '2': 'single', '3': 'others', '0': 'undocumented (0)' },
  default_payment_next_month: { '0': 'no', '1': 'yes' },
};

/** Repayment status: -2 and 0 are undocumented (commonly read as "no consumption" and "revolving credit"), -1 paid duly, k = k months late. */
export const CREDIT_PAY_ORDER = ['-2', '-1', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

const CREDIT_TARGET = 'default_payment_next_month';
const CREDIT_SENSITIVE = ['SEX', 'AGE', 'MARRIAGE', 'EDUCATION'];
const CREDIT_QIS = ['SEX', 'AGE', 'MARRIAGE', 'EDUCATION'];

const CREDIT_SCHEMA: SchemaOverrides = {
  columns: {
    LIMIT_BAL: { kind: 'integer', description: 'amount of given credit (NT dollars), individual and family' },
    SEX: { kind: 'categorical' },
    EDUCATION: { kind: 'categorical' },
    MARRIAGE: { kind: 'categorical', description: 'marital status' },
    AGE: { kind: 'integer', description: 'age in years' },
    ...Object.fromEntries(PAY.map((c, k) => [c, { kind: 'ordinal' as const, categories: CREDIT_PAY_ORDER, description: `repayment status ${['September', 'August', 'July', 'June', 'May', 'April'][k]} 2005` }])),
    ...Object.fromEntries(BILL.map((c) => [c, { kind: 'integer' as const, description: 'bill statement amount (NT dollars)' }])),
    ...Object.fromEntries(PAID.map((c) => [c, { kind: 'integer' as const, description: 'amount of previous payment (NT dollars)' }])),
    default_payment_next_month: { kind: 'boolean', categories: ['no', 'yes'], description: `default payment in October 2005 (upstream "${UPSTREAM_TARGET}")` },
  },
  target: CREDIT_TARGET,
  sensitive: CREDIT_SENSITIVE,
  quasiIdentifiers: CREDIT_QIS,
  missing: [],
};

export function loadCreditDefault(files: Map<string, Buffer>): Table {
  // Line 1 is the workbook's X1..X23/Y header row; line 2 holds the names.
  const p = parseCsv(files.get(FILE)!.toString('utf8'), { file: FILE, skipLine: (_line, lineNo) => lineNo === 1 });
  const columns = CREDIT_COLUMNS.map((name) => {
    const upstream = name === CREDIT_TARGET ? UPSTREAM_TARGET : name;
    const j = p.header.indexOf(upstream);
    if (j < 0) throw badInput(`${FILE}: column "${upstream}" is missing from the second header line; use the CSV export of UCI's "default of credit card clients.xls"`);
    const codes = CREDIT_CODES[name];
    return codes ? recodeColumn(p.columns[j], codes, { file: FILE, column: upstream, lines: p.lines }) : p.columns[j];
  });
  const schema = inferSchema(CREDIT_COLUMNS, columns, { overrides: CREDIT_SCHEMA, missing: [], file: FILE, source: 'credit-default schema' });
  return tableFromColumns(schema, columns, { missing: [], file: FILE, lines: p.lines });
}

export const creditDefault: DatasetSpec<Record<string, never>> = {
  id: 'credit-default',
  summary: 'UCI default of credit card clients, Taiwan 2005 (30,000 rows, 24 columns): predict default next month; sensitive SEX, AGE, MARRIAGE, EDUCATION; mirror/cache only',
  citation: 'Yeh, I.-C. (2009). Default of Credit Card Clients [Dataset]. UCI Machine Learning Repository. https://doi.org/10.24432/C55S3H',
  homepage: 'https://archive.ics.uci.edu/dataset/350/default+of+credit+card+clients',
  license: 'CC BY 4.0',
  sources: [
    {
      file: FILE,
      url: XLS_URL,
      sha256: 'f987aec2784ea6439c2bc1868f246b45e5e6e410165dce25dc132a302924caa1',
      manual: 'UCI serves only an Excel workbook, and the checksum pins one CSV export of it that a fresh export will not reproduce byte for byte; copy the CSV from an existing synthbench mirror (docs/datasets.md, credit-default)',
    },
  ],
  target: CREDIT_TARGET,
  sensitive: CREDIT_SENSITIVE,
  quasiIdentifiers: CREDIT_QIS,
  paramsSchema: z.object({}).strict() as z.ZodType<Record<string, never>>,
  load: (files) => loadCreditDefault(files),
};
