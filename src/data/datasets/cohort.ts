/**
 * Built-in simulated clinical cohort: a rare-disease-registry-like table drawn from a fixed
 * generative model (a directed graph: site → ethnicity → genotype → onset/delay/severity →
 * biomarkers → treatment → outcome), plus a few hand-placed outlier patients. It is the offline
 * default dataset: no download, fully deterministic for a given (n, seed, outliers), and it has
 * what makes registry data hard to share (very unequal sites, tiny subgroups, rare genotypes,
 * site-dependent missingness, unique patients). Every variable, dependency and parameter is
 * documented in docs/datasets.md; keep the two in sync.
 */
import { z } from 'zod';
import { Rng } from '../../core/rng.js';
import type { ColumnSpec, Schema } from '../../core/schema.js';
import { Table } from '../../core/table.js';
import type { DatasetSpec } from '../dataset-spec.js';

export const COHORT_DEFAULT_SEED = 20240917;

export const cohortParamsSchema = z
  .object({
    /** Number of patients, outliers included. */
    n: z.number().int().min(100).max(1_000_000).default(3000),
    seed: z.number().int().min(0).max(0xffffffff).default(COHORT_DEFAULT_SEED),
    /** How many of the documented outlier patients to include (the first k of the list). */
    outliers: z.number().int().min(0).max(8).default(8),
  })
  .strict();

export type CohortParams = z.infer<typeof cohortParamsSchema>;

interface Site {
  label: string;
  /** Relative enrolment weight. */
  weight: number;
  /** Added to log(diagnosis delay): specialist centres diagnose sooner. */
  delayShift: number;
  /** Base probability that a lab value is not recorded. */
  labMissing: number;
  /** Probability that ethnicity is not recorded. */
  ethnicityMissing: number;
  /** Gene therapy is only given at specialist centres. */
  specialist: boolean;
  /** Added to the enzyme-replacement score (local prescribing habits). */
  ertShift: number;
  /** Year the site joined the registry; enrolment dates are uniform from then to 2023-12-31. */
  joinYear: number;
  /** Multipliers on the base ethnicity weights (local population). */
  ethnicityBoost: Partial<Record<string, number>>;
}

const URBAN = { Black: 1.6, Hispanic: 1.6, 'South Asian': 1.6, 'East Asian': 1.6, 'Middle Eastern': 1.6, Indigenous: 1.6 };

export const COHORT_SITES: Site[] = [
  { label: 'S01', weight: 300, delayShift: -0.4, labMissing: 0.02, ethnicityMissing: 0.01, specialist: true, ertShift: 0.3, joinYear: 2012, ethnicityBoost: URBAN },
  { label: 'S02', weight: 220, delayShift: -0.4, labMissing: 0.03, ethnicityMissing: 0.01, specialist: true, ertShift: 0.3, joinYear: 2012, ethnicityBoost: URBAN },
  { label: 'S03', weight: 160, delayShift: 0, labMissing: 0.05, ethnicityMissing: 0.01, specialist: true, ertShift: 0.3, joinYear: 2013, ethnicityBoost: URBAN },
  { label: 'S04', weight: 110, delayShift: 0, labMissing: 0.05, ethnicityMissing: 0.01, specialist: false, ertShift: 0.3, joinYear: 2014, ethnicityBoost: URBAN },
  { label: 'S05', weight: 70, delayShift: 0, labMissing: 0.08, ethnicityMissing: 0.01, specialist: false, ertShift: 0.3, joinYear: 2015, ethnicityBoost: {} },
  { label: 'S06', weight: 45, delayShift: 0, labMissing: 0.1, ethnicityMissing: 0.01, specialist: false, ertShift: 0.3, joinYear: 2016, ethnicityBoost: {} },
  { label: 'S07', weight: 30, delayShift: 0.3, labMissing: 0.15, ethnicityMissing: 0.08, specialist: false, ertShift: -0.3, joinYear: 2017, ethnicityBoost: {} },
  { label: 'S08', weight: 25, delayShift: 0.3, labMissing: 0.2, ethnicityMissing: 0.08, specialist: false, ertShift: -0.3, joinYear: 2018, ethnicityBoost: {} },
  { label: 'S09', weight: 20, delayShift: 0.3, labMissing: 0.25, ethnicityMissing: 0.08, specialist: false, ertShift: -0.3, joinYear: 2018, ethnicityBoost: {} },
  { label: 'S10', weight: 12, delayShift: 0.3, labMissing: 0.3, ethnicityMissing: 0.08, specialist: false, ertShift: -0.3, joinYear: 2019, ethnicityBoost: {} },
  { label: 'S11', weight: 5, delayShift: 0.6, labMissing: 0.35, ethnicityMissing: 0.01, specialist: false, ertShift: -0.3, joinYear: 2021, ethnicityBoost: { 'Middle Eastern': 8 } },
  { label: 'S12', weight: 3, delayShift: 0.6, labMissing: 0.4, ethnicityMissing: 0.01, specialist: false, ertShift: -0.3, joinYear: 2022, ethnicityBoost: { Indigenous: 15 } },
];

export const COHORT_ETHNICITIES = ['White', 'Black', 'Hispanic', 'South Asian', 'East Asian', 'Middle Eastern', 'Indigenous'];
const ETHNICITY_WEIGHTS = [0.62, 0.12, 0.11, 0.07, 0.05, 0.02, 0.01];

export const COHORT_GENOTYPES = ['V1', 'V2', 'V3', 'V4', 'R1', 'R2', 'R3', 'R4', 'R5'];
const GENOTYPE_WEIGHTS = [0.42, 0.24, 0.14, 0.09, 0.04, 0.03, 0.02, 0.01, 0.01];
/** Severity effect of each genotype (latent-severity units). */
export const GENOTYPE_EFFECT = [0, 0.3, -0.4, 0.5, 1.0, 1.2, 0.8, 1.6, -0.6];
/** Founder effects: multipliers on genotype weights within an ethnicity. */
const GENOTYPE_BOOST: Record<string, Partial<Record<string, number>>> = {
  'Middle Eastern': { R2: 12 },
  'East Asian': { V4: 3, V1: 0.5 },
  Indigenous: { R5: 20 },
  Black: { V3: 2 },
};

export const COHORT_SEVERITY = ['mild', 'moderate', 'severe', 'critical'];
const SEVERITY_CUTS = [0.2, 0.9, 1.6];

export const COHORT_TREATMENTS = ['standard_care', 'enzyme_replacement', 'gene_therapy', 'supportive_only'];
const TREATMENT_EFFECT = [0, -0.8, -1.6, 0.7];

const END_DAY = Date.UTC(2023, 11, 31) / 86_400_000;
const DAY_MS = 86_400_000;

/**
 * Outlier patients (unique by construction: extreme values or combinations the model almost never
 * produces). Columns: site, sex, ethnicity, genotype, age_at_onset, age_at_diagnosis, enrollment_date,
 * severity, enzyme_activity, crp, ldh, hemoglobin, treatment, comorbidity, event_within_2y.
 */
export const COHORT_OUTLIERS: [string, string, string, string, number, number, string, string, number, number, number, number, string, string, string][] = [
  // Neonatal onset of the most severe genotype at the smallest site.
  ['S12', 'M', 'Indigenous', 'R4', 0.1, 0, '2023-03-14', 'critical', 0.5, 185, 1450, 7.2, 'supportive_only', 'yes', 'yes'],
  // Onset at 82.4: beyond the model's cap of 75.
  ['S07', 'F', 'East Asian', 'V3', 82.4, 86, '2019-06-02', 'mild', 88, 1.1, 150, 12.9, 'supportive_only', 'no', 'no'],
  // A usually mild genotype with near-zero enzyme activity and critical disease.
  ['S05', 'F', 'Black', 'R5', 2.3, 4, '2016-11-20', 'critical', 0.8, 96, 980, 8.1, 'enzyme_replacement', 'yes', 'yes'],
  // Extreme LDH.
  ['S02', 'M', 'White', 'R1', 9, 10, '2013-01-09', 'severe', 12.5, 40, 3100, 11, 'gene_therapy', 'no', 'yes'],
  // Diagnosed 48 years after onset.
  ['S11', 'M', 'Middle Eastern', 'R2', 3.1, 51, '2021-08-30', 'severe', 6, 22, 410, 12.2, 'standard_care', 'yes', 'yes'],
  // Severe anaemia.
  ['S09', 'F', 'South Asian', 'V2', 15.2, 16, '2018-04-17', 'critical', 20.1, 60, 700, 4.1, 'enzyme_replacement', 'no', 'yes'],
  // Gene therapy at a tiny non-specialist site for mild disease.
  ['S11', 'F', 'Hispanic', 'V1', 30.5, 31, '2022-12-01', 'mild', 70, 0.4, 120, 16, 'gene_therapy', 'no', 'no'],
  // Late-onset rare genotype in a tiny subgroup at the smallest site.
  ['S12', 'M', 'Middle Eastern', 'R3', 60.2, 61, '2022-07-07', 'critical', 3.3, 140, 1200, 9, 'supportive_only', 'yes', 'yes'],
];

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const logistic = (x: number) => 1 / (1 + Math.exp(-x));

export function cohortSchema(n: number): Schema {
  const width = Math.max(5, String(n).length);
  const ids = new Array<string>(n);
  for (let i = 0; i < n; i++) ids[i] = `P${String(i + 1).padStart(width, '0')}`;
  const c = (name: string, kind: ColumnSpec['kind'], roles: ColumnSpec['roles'], extra: Partial<ColumnSpec> = {}): ColumnSpec => ({ name, kind, roles, ...extra });
  return {
    columns: [
      c('patient_id', 'categorical', ['id'], { categories: ids, description: 'registry pseudonym (row order after shuffling)' }),
      c('site', 'categorical', ['quasi-identifier'], { categories: COHORT_SITES.map((s) => s.label), description: 'enrolling hospital' }),
      c('sex', 'categorical', ['sensitive', 'quasi-identifier'], { categories: ['F', 'M'] }),
      c('ethnicity', 'categorical', ['sensitive', 'quasi-identifier'], { categories: [...COHORT_ETHNICITIES] }),
      c('genotype', 'categorical', ['sensitive'], { categories: [...COHORT_GENOTYPES], description: 'V1-V4 common variants, R1-R5 rare variants' }),
      c('age_at_onset', 'continuous', [], { min: 0, max: 90, description: 'years, 0.1 resolution' }),
      c('age_at_diagnosis', 'integer', ['quasi-identifier'], { min: 0, max: 90, description: 'completed years' }),
      c('enrollment_date', 'datetime', ['quasi-identifier'], { description: 'date of registry enrolment (UTC midnight)' }),
      c('severity', 'ordinal', [], { categories: [...COHORT_SEVERITY] }),
      c('enzyme_activity', 'continuous', [], { min: 0, max: 150, description: '% of normal' }),
      c('crp', 'continuous', [], { min: 0, description: 'C-reactive protein, mg/L' }),
      c('ldh', 'integer', [], { min: 0, description: 'lactate dehydrogenase, U/L' }),
      c('hemoglobin', 'continuous', [], { min: 0, description: 'g/dL' }),
      c('treatment', 'categorical', [], { categories: [...COHORT_TREATMENTS] }),
      c('comorbidity', 'boolean', [], { categories: ['no', 'yes'] }),
      c('event_within_2y', 'boolean', ['target'], { categories: ['no', 'yes'], description: 'disease event within 2 years of enrolment' }),
    ],
  };
}

function weightsWithBoost(labels: string[], base: number[], boost: Partial<Record<string, number>>): Float64Array {
  return Float64Array.from(base, (w, k) => w * (boost[labels[k]] ?? 1));
}

/** Generate the cohort; `outlierRows` are the row positions of the outlier patients. */
export function generateCohort(raw: Partial<CohortParams> = {}): { table: Table; outlierRows: Int32Array } {
  const { n, seed, outliers } = cohortParamsSchema.parse(raw);
  const rng = new Rng(seed);
  const r = {
    site: rng.fork('site'),
    sex: rng.fork('sex'),
    ethnicity: rng.fork('ethnicity'),
    genotype: rng.fork('genotype'),
    onset: rng.fork('onset'),
    delay: rng.fork('delay'),
    severity: rng.fork('severity'),
    labs: rng.fork('labs'),
    missing: rng.fork('missing'),
    treatment: rng.fork('treatment'),
    comorbidity: rng.fork('comorbidity'),
    enrollment: rng.fork('enrollment'),
    outcome: rng.fork('outcome'),
    order: rng.fork('order'),
  };

  const siteWeights = Float64Array.from(COHORT_SITES, (s) => s.weight);
  const ethWeights = COHORT_SITES.map((s) => weightsWithBoost(COHORT_ETHNICITIES, ETHNICITY_WEIGHTS, s.ethnicityBoost));
  const genoWeights = COHORT_ETHNICITIES.map((e) => weightsWithBoost(COHORT_GENOTYPES, GENOTYPE_WEIGHTS, GENOTYPE_BOOST[e] ?? {}));

  const site = new Int32Array(n);
  const sex = new Int32Array(n);
  const eth = new Int32Array(n);
  const geno = new Int32Array(n);
  const onset = new Float64Array(n);
  const dx = new Float64Array(n);
  const enrol = new Float64Array(n);
  const sev = new Int32Array(n);
  const enzyme = new Float64Array(n);
  const crp = new Float64Array(n);
  const ldh = new Float64Array(n);
  const hb = new Float64Array(n);
  const treat = new Int32Array(n);
  const comorb = new Int32Array(n);
  const event = new Int32Array(n);

  const nRegular = n - outliers;
  const scores = new Float64Array(COHORT_TREATMENTS.length);
  for (let i = 0; i < nRegular; i++) {
    const s = r.site.categorical(siteWeights);
    const S = COHORT_SITES[s];
    site[i] = s;
    sex[i] = r.sex.next() < 0.52 ? 0 : 1;
    const e = r.ethnicity.categorical(ethWeights[s]);
    eth[i] = r.ethnicity.next() < S.ethnicityMissing ? -1 : e;
    // Genotype depends on true ancestry even when ethnicity is not recorded.
    const gt = r.genotype.categorical(genoWeights[e]);
    geno[i] = gt;
    const g = GENOTYPE_EFFECT[gt];

    const ageOnset = clamp(Math.exp(Math.log(14) - 0.6 * g + 0.7 * r.onset.normal()), 0.1, 75);
    onset[i] = round(ageOnset, 1);
    const delay = Math.exp(Math.log(1.2) + S.delayShift - 0.35 * g + 0.8 * r.delay.normal());
    dx[i] = Math.min(90, Math.floor(onset[i] + delay));

    const latent = g + 0.08 * Math.min(delay, 20) + 0.7 * r.severity.normal();
    const k = latent < SEVERITY_CUTS[0] ? 0 : latent < SEVERITY_CUTS[1] ? 1 : latent < SEVERITY_CUTS[2] ? 2 : 3;
    sev[i] = k;

    const z1 = r.labs.normal();
    const z2 = r.labs.normal();
    const z3 = r.labs.normal();
    const z4 = r.labs.normal();
    const enz = round(clamp(Math.exp(Math.log(45) - 0.8 * g + 0.35 * z1), 0.5, 150), 1);
    const c = round(Math.max(0.1, Math.exp(Math.log(3) + 0.6 * latent + 0.5 * z2)), 2);
    const l = Math.round(Math.max(80, 190 + 45 * latent + 25 * z2 + 30 * z3));
    const h = round(clamp((sex[i] === 0 ? 13.2 : 14.8) - 0.6 * latent + 0.9 * z4, 6, 19), 1);

    scores[0] = 0;
    scores[1] = -1.0 + 0.9 * k + S.ertShift;
    scores[2] = S.specialist ? -4.0 + 1.2 * k : -Infinity;
    scores[3] = 0.5 - 0.8 * k;
    let total = 0;
    for (let t = 0; t < scores.length; t++) total += scores[t] = Math.exp(scores[t]);
    const tr = r.treatment.categorical(scores, total);
    treat[i] = tr;

    const cm = r.comorbidity.bernoulli(logistic(-1.8 + 0.03 * (dx[i] - 20) + 0.35 * k)) ? 1 : 0;
    comorb[i] = cm;

    const joinDay = Date.UTC(S.joinYear, 0, 1) / DAY_MS;
    enrol[i] = (joinDay + r.enrollment.int(END_DAY - joinDay + 1)) * DAY_MS;

    // The outcome depends on true lab values, including those later masked as missing.
    const eta = -2.2 + 0.9 * g + 0.6 * k + 0.8 * Math.log(c / 3) - 0.025 * (enz - 45) + TREATMENT_EFFECT[tr] + 0.6 * cm;
    event[i] = r.outcome.bernoulli(logistic(eta)) ? 1 : 0;

    const pm = S.labMissing;
    enzyme[i] = r.missing.next() < pm * (k === 0 ? 1.5 : 1) ? NaN : enz;
    crp[i] = r.missing.next() < pm * 0.5 ? NaN : c;
    ldh[i] = r.missing.next() < pm * 1.2 ? NaN : l;
    hb[i] = r.missing.next() < pm * 0.3 ? NaN : h;
  }

  for (let o = 0; o < outliers; o++) {
    const i = nRegular + o;
    const [st, sx, et, gt, on, ad, date, sv, en, cr, ld, hg, tr, cm, ev] = COHORT_OUTLIERS[o];
    site[i] = COHORT_SITES.findIndex((s) => s.label === st);
    sex[i] = sx === 'F' ? 0 : 1;
    eth[i] = COHORT_ETHNICITIES.indexOf(et);
    geno[i] = COHORT_GENOTYPES.indexOf(gt);
    onset[i] = on;
    dx[i] = ad;
    enrol[i] = Date.parse(`${date}T00:00:00Z`);
    sev[i] = COHORT_SEVERITY.indexOf(sv);
    enzyme[i] = en;
    crp[i] = cr;
    ldh[i] = ld;
    hb[i] = hg;
    treat[i] = COHORT_TREATMENTS.indexOf(tr);
    comorb[i] = cm === 'yes' ? 1 : 0;
    event[i] = ev === 'yes' ? 1 : 0;
  }

  // Shuffle so that row position (and the patient_id derived from it) reveals nothing.
  const perm = r.order.permutation(n);
  const ids = new Int32Array(n);
  for (let p = 0; p < n; p++) ids[p] = p;
  const arrays = [site, sex, eth, geno, onset, dx, enrol, sev, enzyme, crp, ldh, hb, treat, comorb, event].map((a) => {
    const out = a instanceof Float64Array ? new Float64Array(n) : new Int32Array(n);
    for (let p = 0; p < n; p++) out[p] = a[perm[p]];
    return out;
  });
  const outlierRows: number[] = [];
  for (let p = 0; p < n; p++) if (perm[p] >= nRegular) outlierRows.push(p);
  outlierRows.sort((a, b) => perm[a] - perm[b]);

  const table = new Table(cohortSchema(n), [ids, ...arrays]);
  return { table, outlierRows: Int32Array.from(outlierRows) };
}

export const cohort: DatasetSpec<CohortParams> = {
  id: 'cohort',
  summary: 'Built-in simulated rare-disease registry (default 3,000 patients, 12 unequal sites, rare genotypes, outliers); offline default',
  citation: 'synthbench simulated cohort (docs/datasets.md); no real patients',
  homepage: 'docs/datasets.md#cohort-built-in-simulated-rare-disease-registry',
  license: 'Apache-2.0 (generated data)',
  sources: [],
  target: 'event_within_2y',
  sensitive: ['sex', 'ethnicity', 'genotype'],
  quasiIdentifiers: ['site', 'sex', 'age_at_diagnosis', 'ethnicity', 'enrollment_date'],
  paramsSchema: cohortParamsSchema as z.ZodType<CohortParams>,
  load: (_files, params) => generateCohort(params).table,
};
